const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Generates object ids such as `run_abc123…`. */
export type IdGenerator = (prefix: string) => string

/**
 * Creates an id generator. With a `seed` the ids are deterministic (same seed, same ids), which keeps recorded
 * fixtures and snapshots stable; without one they are random.
 */
export function createIdGenerator(seed?: number): IdGenerator {
  let state = seed === undefined ? Math.floor(Math.random() * 2 ** 31) : seed >>> 0
  // mulberry32: tiny, fast and good enough for ids.
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
