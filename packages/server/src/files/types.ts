// Wire objects of the Files and Vector Stores APIs as this server stores and sends them. Shapes follow the spec's
// OpenAIFile, DeleteFileResponse, VectorStoreObject, VectorStoreFileObject, VectorStoreFileBatchObject and
// VectorStoreSearchResultsPage (openai-openapi, MIT, Copyright (c) OpenAI).

/** Up to 16 string pairs attached to an object (as `Metadata` in ../types.ts, which re-exports this module). */
export type Metadata = Record<string, string> | null

/** The purposes an upload may name (the spec's `CreateFileRequest.purpose`). */
export const uploadPurposes = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const

/** A purpose an upload may name. */
export type FilePurpose = (typeof uploadPurposes)[number]

/** An uploaded file (`object: "file"`, the spec's `OpenAIFile`). */
export interface FileObject {
  id: string
  object: 'file'
  bytes: number
  created_at: number
  /** Set when the upload named `expires_after`. */
  expires_at?: number
  filename: string
  purpose: FilePurpose
  /** Deprecated in the spec, still required: always `processed` here. */
  status: 'uploaded' | 'processed' | 'error'
  status_details?: string
}

/** The answer to deleting a file (the spec's `DeleteFileResponse`). */
export interface FileDeletedObject {
  id: string
  object: 'file'
  deleted: boolean
}

/** Counts of a vector store's (or a batch's) files by status. */
export interface FileCounts {
  in_progress: number
  completed: number
  failed: number
  cancelled: number
  total: number
}

/** When a vector store expires (the spec's `VectorStoreExpirationAfter`). */
export interface VectorStoreExpiration {
  anchor: 'last_active_at'
  days: number
}

/** A vector store (`object: "vector_store"`). */
export interface VectorStoreObject {
  id: string
  object: 'vector_store'
  created_at: number
  name: string
  usage_bytes: number
  file_counts: FileCounts
  status: 'expired' | 'in_progress' | 'completed'
  expires_after?: VectorStoreExpiration
  expires_at?: number | null
  last_active_at: number | null
  metadata: Metadata
}

/** How a file was split: the spec's `StaticChunkingStrategyResponseParam`. */
export interface StaticChunkingStrategy {
  type: 'static'
  static: { max_chunk_size_tokens: number; chunk_overlap_tokens: number }
}

/** Up to 16 attributes of a vector store file: strings, numbers or booleans. */
export type FileAttributes = Record<string, string | number | boolean> | null

/** A file attached to a vector store (`object: "vector_store.file"`); its `id` is the file's id. */
export interface VectorStoreFileObject {
  id: string
  object: 'vector_store.file'
  usage_bytes: number
  created_at: number
  vector_store_id: string
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed'
  last_error: { code: 'server_error' | 'unsupported_file' | 'invalid_file'; message: string } | null
  chunking_strategy: StaticChunkingStrategy
  attributes: FileAttributes
}

/** A batch of files attached together (`object: "vector_store.files_batch"`). */
export interface VectorStoreFileBatchObject {
  id: string
  object: 'vector_store.files_batch'
  created_at: number
  vector_store_id: string
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed'
  file_counts: FileCounts
}

/** The answer to deleting a vector store. */
export interface VectorStoreDeletedObject {
  id: string
  object: 'vector_store.deleted'
  deleted: boolean
}

/** The answer to removing a file from a vector store. */
export interface VectorStoreFileDeletedObject {
  id: string
  object: 'vector_store.file.deleted'
  deleted: boolean
}

/** One scored chunk a vector store search found (the spec's `VectorStoreSearchResultItem`). */
export interface VectorStoreSearchResult {
  file_id: string
  filename: string
  score: number
  attributes: FileAttributes
  content: { type: 'text'; text: string }[]
}

/** The answer to a vector store search (`object: "vector_store.search_results.page"`). */
export interface VectorStoreSearchResultsPage {
  object: 'vector_store.search_results.page'
  search_query: string[]
  data: VectorStoreSearchResult[]
  has_more: boolean
  next_page: string | null
}

/** A vector store file as the store keeps it: the wire object, the batch that attached it and its chunks. */
export interface VectorStoreFileRecord {
  /** The file's id (also `file.id`). */
  id: string
  file: VectorStoreFileObject
  batch_id: string | null
  /** The file's text split by its chunking strategy; empty until indexed. */
  chunks: string[]
}
