// Owns what makes JSON fit a jsonb column: jsonb refuses the NUL character (U+0000) in strings, which JSON allows and
// a model may produce, so a stored body carries U+FFFD in its place. Events are stored as text and keep it.

/** An escaped NUL (`\u0000`) in serialized JSON that is not itself an escaped backslash followed by `u0000`. */
const escapedNul = /(?<!\\)((?:\\\\)*)\\u0000/g

/**
 * `text` (serialized JSON) with every NUL in its strings replaced by U+FFFD (escaped, so the JSON stays ASCII-safe),
 * fit for a jsonb column; the same string when it has none.
 */
export function jsonbText(text: string): string {
  return text.includes('\\u0000') ? text.replace(escapedNul, '$1\\ufffd') : text
}

/** `value` as jsonb takes it: itself when no string in it holds a NUL, else a copy with U+FFFD in their place. */
export function jsonbValue<T>(value: T): T {
  const text = JSON.stringify(value)
  const fit = jsonbText(text)
  return fit === text ? value : (JSON.parse(fit) as T)
}
