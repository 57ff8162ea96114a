// Owns reading a `multipart/form-data` body (RFC 7578): a size-limited read of the request body and a strict,
// bounded parser. Every malformed input becomes an HttpError (400, or 413 over the limit), never another throw.
import { HttpError } from '../http.ts'

/** One part of a multipart body. */
export interface MultipartPart {
  /** The form field's name. */
  name: string
  /** The file name as sent (`filename*` decoded when present); absent for plain fields. */
  filename?: string
  /** The part's own Content-Type, if it sent one. */
  contentType?: string
  data: Uint8Array
}

/** Limits of {@link parseMultipart}. */
export interface MultipartLimits {
  /** Most parts a body may have. @defaultValue 32 */
  maxParts?: number
  /** Most bytes of one part's header block. @defaultValue 16384 */
  maxHeaderBytes?: number
}

const encoder = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** ISO-8859-1 proper: byte N is U+00NN (TextDecoder's 'latin1' is windows-1252, which remaps 0x80–0x9F). */
function latin1(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) {
    text += String.fromCharCode(byte)
  }
  return text
}

/** A 400 for a body that is not the multipart it says it is; the message says what to fix. */
function malformed(detail: string): HttpError {
  return new HttpError(400, `Could not parse the multipart/form-data body: ${detail}`)
}

/** The bytes as UTF-8 text, or as Latin-1 (one character per byte) when they are not valid UTF-8. */
export function decodeHeaderText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return latin1(bytes)
  }
}

/**
 * Reads the whole request body, refusing more than `maxBytes`: a Content-Length over the limit is refused before
 * reading, a body that grows over it is cancelled at that point (never buffered whole).
 */
export async function readBodyLimited(request: Request, maxBytes: number, tooLarge: () => HttpError) {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw tooLarge()
  }
  if (!request.body) {
    return new Uint8Array(0)
  }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        break
      }
      total += value.byteLength
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw tooLarge()
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof HttpError) {
      throw error
    }
    throw new HttpError(
      400,
      'The request body could not be read to its end (the connection broke off). Send it again.',
    )
  }
  const body = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/** The boundary of a `multipart/form-data` Content-Type, or a 400 saying what is wrong with it. */
export function multipartBoundary(contentType: string | null): string {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) {
    throw new HttpError(
      400,
      `Invalid Content-Type header (${contentType ?? 'none'}): upload files as multipart/form-data (a 'file' part and a 'purpose' field).`,
    )
  }
  const match = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2] ?? ''
  // RFC 2046: 1 to 70 characters of bchars, not ending in a space.
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) {
    throw malformed(
      "the Content-Type has no valid boundary (1 to 70 letters, digits or '()+_,-./:=? characters). Let your HTTP library build the multipart body.",
    )
  }
  return boundary
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!
  for (let index = haystack.indexOf(first, from); index !== -1; index = haystack.indexOf(first, index + 1)) {
    if (index + needle.length > haystack.length) {
      return -1
    }
    let offset = 1
    while (offset < needle.length && haystack[index + offset] === needle[offset]) {
      offset++
    }
    if (offset === needle.length) {
      return index
    }
  }
  return -1
}

/** `key=value` parameters of a Content-Disposition value (quoted or bare values; `\"` inside quotes). */
function dispositionParams(value: string): { type: string; params: Map<string, string> } {
  const params = new Map<string, string>()
  const semicolon = value.indexOf(';')
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase()
  let index = semicolon === -1 ? value.length : semicolon + 1
  while (index < value.length) {
    const equals = value.indexOf('=', index)
    if (equals === -1) {
      break
    }
    const key = value.slice(index, equals).trim().toLowerCase()
    index = equals + 1
    let parsed = ''
    if (value[index] === '"') {
      index++
      while (index < value.length && value[index] !== '"') {
        if (value[index] === '\\' && value[index + 1] === '"') {
          index++
        }
        parsed += value[index]
        index++
      }
      if (index >= value.length) {
        throw malformed(`a Content-Disposition has an unterminated quoted value for '${key}'.`)
      }
      index++ // the closing quote
      const next = value.indexOf(';', index)
      index = next === -1 ? value.length : next + 1
    } else {
      const next = value.indexOf(';', index)
      parsed = value.slice(index, next === -1 ? value.length : next).trim()
      index = next === -1 ? value.length : next + 1
    }
    if (!params.has(key)) {
      params.set(key, parsed)
    }
  }
  return { type, params }
}

/** RFC 5987 `charset'lang'percent-encoded` (the `filename*` form), or undefined when it cannot be decoded. */
function extendedValue(value: string): string | undefined {
  const match = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(value)
  if (!match) {
    return undefined
  }
  const charset = match[1]!.toLowerCase()
  try {
    const bytes: number[] = []
    const encoded = match[2]!
    for (let index = 0; index < encoded.length; index++) {
      if (encoded[index] === '%' && /^[0-9A-Fa-f]{2}$/.test(encoded.slice(index + 1, index + 3))) {
        bytes.push(Number.parseInt(encoded.slice(index + 1, index + 3), 16))
        index += 2
      } else {
        bytes.push(...encoder.encode(encoded[index]!))
      }
    }
    const data = Uint8Array.from(bytes)
    return charset === 'utf-8' ? strictUtf8.decode(data) : latin1(data)
  } catch {
    return undefined
  }
}

function parseHeaders(block: Uint8Array): Omit<MultipartPart, 'data'> {
  const headers = new Map<string, string>()
  for (const line of decodeHeaderText(block).split('\r\n')) {
    if (line === '') {
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) {
      throw malformed(`a part has a header line without a name ('${line.slice(0, 40)}').`)
    }
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const disposition = headers.get('content-disposition')
  if (disposition === undefined) {
    throw malformed('a part has no Content-Disposition header (each part needs `form-data; name="…"`).')
  }
  const { type, params } = dispositionParams(disposition)
  const name = params.get('name')
  if (type !== 'form-data' || name === undefined) {
    throw malformed('a part\'s Content-Disposition is not `form-data; name="…"`.')
  }
  const extended = params.has('filename*') ? extendedValue(params.get('filename*')!) : undefined
  const filename = extended ?? params.get('filename')
  const contentType = headers.get('content-type')
  return {
    name,
    ...(filename !== undefined ? { filename } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  }
}

/**
 * Splits a multipart body into its parts. Bounded: at most `maxParts` parts with header blocks of at most
 * `maxHeaderBytes`; the data of a part is a view into `body`, not a copy.
 */
export function parseMultipart(
  body: Uint8Array,
  boundary: string,
  limits: MultipartLimits = {},
): MultipartPart[] {
  const maxParts = limits.maxParts ?? 32
  const maxHeaderBytes = limits.maxHeaderBytes ?? 16_384
  const delimiter = encoder.encode(`--${boundary}`)
  const nextDelimiter = encoder.encode(`\r\n--${boundary}`)
  const headerEnd = encoder.encode('\r\n\r\n')
  let position: number
  if (indexOf(body.subarray(0, delimiter.length), delimiter, 0) === 0) {
    position = delimiter.length
  } else {
    const found = indexOf(body, nextDelimiter, 0) // after a preamble
    if (found === -1) {
      throw malformed(
        `the body does not contain the boundary of its Content-Type ('--${boundary.slice(0, 70)}').`,
      )
    }
    position = found + nextDelimiter.length
  }
  const parts: MultipartPart[] = []
  for (;;) {
    if (body[position] === 0x2d && body[position + 1] === 0x2d) {
      return parts // the close delimiter; an epilogue after it is ignored
    }
    while (body[position] === 0x20 || body[position] === 0x09) {
      position++ // transport padding
    }
    if (body[position] !== 0x0d || body[position + 1] !== 0x0a) {
      throw malformed(
        'a boundary line is not followed by a line break, or the body ends without a closing boundary.',
      )
    }
    position += 2
    if (parts.length >= maxParts) {
      throw malformed(`the body has more than ${maxParts} parts.`)
    }
    const end = indexOf(body, nextDelimiter, position)
    if (end === -1) {
      throw malformed(
        `a part is not closed by the boundary ('--${boundary.slice(0, 70)}'); the body is cut short.`,
      )
    }
    let blockEnd: number
    let dataStart: number
    if (body[position] === 0x0d && body[position + 1] === 0x0a) {
      blockEnd = position // a part without headers
      dataStart = position + 2
    } else {
      blockEnd = indexOf(body.subarray(0, end), headerEnd, position)
      if (blockEnd === -1) {
        throw malformed("a part's headers are not ended by an empty line.")
      }
      dataStart = blockEnd + headerEnd.length
    }
    if (blockEnd - position > maxHeaderBytes) {
      throw malformed(`a part's headers are longer than ${maxHeaderBytes} bytes.`)
    }
    const headers = parseHeaders(body.subarray(position, blockEnd))
    parts.push({ ...headers, data: body.subarray(dataStart, end) })
    position = end + nextDelimiter.length
  }
}
