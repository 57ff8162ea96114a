// The root of the error family: OaiRunsError, secret redaction (checklist T10) and the readers of raw error objects.

/** The raw `error` object of an API error body: `{ message, type, param, code }` (all may be missing). */
export interface ApiErrorObject {
  message?: string
  type?: string | null
  param?: string | null
  code?: string | null
  [key: string]: unknown
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{3,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(api[-_]?key|authorization)(["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s)[^\s"',;]+/gi,
]

/** Response headers never serialised by `toJSON`. */
export const SECRET_HEADER = /authorization|api-key|apikey|cookie|secret|token/i

/** Replaces anything that looks like a secret (an `sk-…` key, a bearer value, each of `secrets`) with `***`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join('***')
    }
  }
  out = out.replace(SECRET_PATTERNS[0]!, 'sk-***')
  out = out.replace(SECRET_PATTERNS[1]!, (_m, scheme: string) => `${scheme} ***`)
  return out.replace(SECRET_PATTERNS[2]!, (_m, name: string, sep: string) => `${name}${sep}***`)
}

/** The value as an error object when it is an object, else an empty one. */
export function readObject(error: unknown): ApiErrorObject {
  return typeof error === 'object' && error !== null ? (error as ApiErrorObject) : {}
}

/** The value when it is a string, else `null`. */
export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/** Base class of every error thrown by `@oai-runs/client`; `retryable` says whether trying again may help. */
export class OaiRunsError extends Error {
  override name = 'OaiRunsError'
  /** Whether the same request may succeed if sent again (transient failure). */
  declare readonly retryable: boolean

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(redactSecrets(message), options?.cause === undefined ? undefined : { cause: options.cause })
    this.retryable = options?.retryable ?? false
  }

  /** A plain, secret-free object for logs (`JSON.stringify(error)`); never includes request headers. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, retryable: this.retryable }
  }
}
