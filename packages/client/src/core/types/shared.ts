// Wire types shared by every resource: metadata, error bodies, list pages and token usage.

/** A string-to-string map of at most 16 pairs (keys ≤ 64 chars, values ≤ 512 chars), or null. */
export type Metadata = Record<string, string> | null

/** The `{ code, message, param, type }` object of an error response or an `event: error` frame. */
export type ErrorObject = { code: string | null; message: string; param: string | null; type: string }

/** The body of a JSON error response. */
export type ErrorResponse = { error: ErrorObject }

/** A page of a cursor-paginated list (`first_id`/`last_id` are null on empty pages of some servers). */
export type ListResponse<T> = {
  object: 'list'
  data: T[]
  first_id: string | null
  last_id: string | null
  has_more: boolean
}

/** Token counts of a run or step (null until it is terminal). */
export type Usage = { completion_tokens: number; prompt_tokens: number; total_tokens: number }
