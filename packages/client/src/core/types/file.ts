// The wire types of the Files API as a Runs client reads them: the file object and the files list query.
// Hand-written from OpenAI's OpenAPI spec (OpenAIFile, listFiles); lenient like the other response types.

/** What a file is for (the spec's values; other hosts may answer others). */
export type FilePurpose =
  | 'assistants'
  | 'assistants_output'
  | 'batch'
  | 'batch_output'
  | 'fine-tune'
  | 'fine-tune-results'
  | 'vision'
  | 'user_data'
  | (string & {})

/** An uploaded or generated file (`object: "file"`); fields other hosts add are kept as they came. */
export type OpenAIFile = {
  id: string
  object: 'file'
  /** The size in bytes. */
  bytes: number
  created_at: number
  /** When the file expires (Unix seconds); absent or null when it does not. */
  expires_at?: number | null
  /** The file's name, e.g. what a citation shows. */
  filename: string
  purpose: FilePurpose
  /** Deprecated in the spec; some servers still send it. */
  status?: 'uploaded' | 'processed' | 'error' | (string & {})
  /** Deprecated in the spec; some servers still send it. */
  status_details?: string | null
  [key: string]: unknown
}

/** The query of `files.list`: a purpose filter and the cursor fields (`limit` is 1–10,000 here). */
export type ListFilesQuery = {
  purpose?: string | undefined
  limit?: number | undefined
  order?: 'asc' | 'desc' | undefined
  after?: string | undefined
}
