// Literal redaction of configured secrets (API keys of any shape: `sk-…`, Azure's 32 hex digits, a gateway's
// token) in text, header values and streamed bodies, before anything upstream says reaches a browser or a run.

/** What a secret is replaced with. */
export const redactedMark = '***'

/** Removes configured secrets from what is passed on. */
export interface Redactor {
  /** The text with every secret replaced by `***`. */
  text(value: string): string
  /** The body with every secret replaced, also when one is split across chunks; holds back no complete line. */
  stream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>
}

/** The forms a secret may take in a body: as it is, JSON-escaped, URL-encoded. */
function forms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])]
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!
  for (let index = haystack.indexOf(first, from); index !== -1; index = haystack.indexOf(first, index + 1)) {
    if (index + needle.length > haystack.length) {
      return -1
    }
    let matches = true
    for (let offset = 1; offset < needle.length; offset++) {
      if (haystack[index + offset] !== needle[offset]) {
        matches = false
        break
      }
    }
    if (matches) {
      return index
    }
  }
  return -1
}

/** Whether `haystack[from..]` is a proper prefix of `needle`. */
function isPrefixOf(haystack: Uint8Array, from: number, needle: Uint8Array): boolean {
  const length = haystack.length - from
  if (length <= 0 || length >= needle.length) {
    return false
  }
  for (let offset = 0; offset < length; offset++) {
    if (haystack[from + offset] !== needle[offset]) {
      return false
    }
  }
  return true
}

/**
 * Creates a redactor for `secrets` (empty and missing ones are ignored). Every occurrence is replaced, whatever
 * the secret looks like: keep secrets long (real API keys are), or ordinary text that equals one is masked too.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const texts = [...new Set(secrets.filter((secret): secret is string => !!secret).flatMap(forms))]
    // Longest first, so a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length)
  const encoder = new TextEncoder()
  const needles = texts.map((text) => encoder.encode(text))
  const mark = encoder.encode(redactedMark)

  /** Replaces the secrets in `buffer`; returns what may go out and the tail that could still become a secret. */
  function scan(buffer: Uint8Array, final: boolean): { out: Uint8Array; rest: Uint8Array } {
    const pieces: Uint8Array[] = []
    let start = 0
    let position = 0
    for (;;) {
      let found = -1
      let length = 0
      for (const needle of needles) {
        const at = indexOfBytes(buffer, needle, position)
        if (at !== -1 && (found === -1 || at < found)) {
          found = at
          length = needle.length
        }
      }
      if (found === -1) {
        break
      }
      pieces.push(buffer.subarray(start, found), mark)
      start = found + length
      position = start
    }
    let keep = buffer.length
    if (!final) {
      const longest = needles.reduce((max, needle) => Math.max(max, needle.length), 0)
      for (let from = Math.max(start, buffer.length - longest + 1); from < buffer.length; from++) {
        if (needles.some((needle) => isPrefixOf(buffer, from, needle))) {
          keep = from
          break
        }
      }
    }
    pieces.push(buffer.subarray(start, keep))
    const size = pieces.reduce((total, piece) => total + piece.length, 0)
    const out = new Uint8Array(size)
    let offset = 0
    for (const piece of pieces) {
      out.set(piece, offset)
      offset += piece.length
    }
    return { out, rest: buffer.slice(keep) }
  }

  return {
    text(value) {
      let result = value
      for (const text of texts) {
        result = result.split(text).join(redactedMark)
      }
      return result
    },
    stream(body) {
      if (needles.length === 0) {
        return body
      }
      let rest: Uint8Array = new Uint8Array()
      return body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            const joined = new Uint8Array(rest.length + chunk.length)
            joined.set(rest)
            joined.set(chunk, rest.length)
            const scanned = scan(joined, false)
            rest = scanned.rest
            if (scanned.out.length > 0) {
              controller.enqueue(scanned.out)
            }
          },
          flush(controller) {
            const scanned = scan(rest, true)
            if (scanned.out.length > 0) {
              controller.enqueue(scanned.out)
            }
          },
        }),
      )
    },
  }
}
