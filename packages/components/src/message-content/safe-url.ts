// URL policy for model output: only absolute http(s)/mailto links; images only http(s), by origin (R1, R3).

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

// Browsers drop tabs and newlines anywhere in a URL and trim C0 controls and spaces at both ends before
// parsing it; do the same so `java\tscript:` or `\u0001javascript:` cannot hide a scheme (R1).
function clean(raw: string): string | null {
  let text = ''
  for (const char of raw) {
    if (char !== '\t' && char !== '\n' && char !== '\r') {
      text += char
    }
  }
  let start = 0
  let end = text.length
  while (start < end && text.charCodeAt(start) <= 0x20) {
    start++
  }
  while (end > start && text.charCodeAt(end - 1) <= 0x20) {
    end--
  }
  text = text.slice(start, end)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      return null // a control character inside a URL is never legitimate model output
    }
  }
  return text
}

function parse(raw: string): URL | null {
  const text = clean(raw)
  if (!text) {
    return null
  }
  try {
    // No base: relative URLs (which would resolve against the app's own origin) are refused too.
    return new URL(text)
  } catch {
    return null
  }
}

/** The href to render for a model link, or `null` when the link must be inert (`javascript:`, `data:`, …). */
export function safeLinkHref(raw: string): string | null {
  const url = parse(raw)
  return url && LINK_PROTOCOLS.has(url.protocol) ? url.href : null
}

/** How an image URL may be shown: loaded at once, after a click, or never. */
export type ImagePolicy =
  | { kind: 'allowed'; src: string }
  | { kind: 'click-to-load'; src: string; host: string }
  | { kind: 'blocked' }

/** Decides whether an image URL loads now (its origin is allowlisted), on click (other http(s)), or never. */
export function imagePolicy(raw: string, allowedOrigins: readonly string[] = []): ImagePolicy {
  const url = parse(raw)
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return { kind: 'blocked' }
  }
  if (allowedOrigins.includes(url.origin)) {
    return { kind: 'allowed', src: url.href }
  }
  return { kind: 'click-to-load', src: url.href, host: url.host }
}
