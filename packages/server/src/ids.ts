const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Generates object ids such as `run_abc123…`. */
export type IdGenerator = (prefix: string) => string

/** Fills `bytes` with random bytes; the Web Crypto API in browsers, Node (>= 19 as a global) and edge runtimes. */
function randomBytes(bytes: Uint8Array<ArrayBuffer>): void {
  if (typeof globalThis.crypto?.getRandomValues !== 'function') {
    throw new Error(
      'createIdGenerator: this runtime has no crypto.getRandomValues, so random ids cannot be made safely. Pass a seed for deterministic ids, or run on Node 20+ / a browser.',
    )
  }
  globalThis.crypto.getRandomValues(bytes)
}

/** 24 characters from the Web Crypto API, without modulo bias (bytes of 248 and above are drawn again). */
function randomId(): string {
  let id = ''
  const bytes = new Uint8Array(32)
  while (id.length < 24) {
    randomBytes(bytes)
    for (const byte of bytes) {
      // 248 = 4 × 62: each character of the alphabet is equally likely.
      if (byte < 248 && id.length < 24) {
        id += alphabet[byte % alphabet.length]
      }
    }
  }
  return id
}

/**
 * Creates an id generator. With a `seed` the ids are deterministic (same seed, same ids), which keeps recorded
 * fixtures and snapshots stable; without one each id is drawn from `crypto.getRandomValues`, so no id tells
 * anything about another.
 */
export function createIdGenerator(seed?: number): IdGenerator {
  if (seed === undefined) {
    return (prefix) => `${prefix}_${randomId()}`
  }
  let state = seed >>> 0
  // mulberry32: tiny, fast and good enough for deterministic test ids (never for unseeded ones).
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return (prefix) => {
    let id = ''
    for (let index = 0; index < 24; index++) {
      id += alphabet[Math.floor(next() * alphabet.length)]
    }
    return `${prefix}_${id}`
  }
}
