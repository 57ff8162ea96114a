// Owns the local Files and Vector Stores logic over a FilesStore, without HTTP: files, vector stores and their
// files (batches: ./batches.ts; search: ./search.ts). Indexing is lazy and synchronous: a file attached `in_progress` is indexed by
// the next operation that reads its vector store (`settle`), so a poll right after attaching sees it `completed`
// (or `failed`), and a batch cancelled before that sees its files `cancelled`.
import type { IdGenerator } from '../ids.ts'
import type { FilesStore } from '../store.ts'
import type { Metadata } from '../types.ts'
import { fileNotFound, vectorStoreFileNotFound, vectorStoreNotFound } from './errors.ts'
import { autoChunkingStrategy, chunkText, fileText } from './indexing.ts'
import type {
  FileAttributes,
  FileCounts,
  FileObject,
  StaticChunkingStrategy,
  VectorStoreExpiration,
  VectorStoreFileObject,
  VectorStoreFileRecord,
  VectorStoreObject,
} from './types.ts'
import type { Upload } from './upload.ts'

/** What the local logic works with. */
export interface FilesContext {
  store: FilesStore
  /** Now, in Unix seconds. */
  now(): number
  ids: IdGenerator
}

const encoder = new TextEncoder()

/** Runs `work` in the store's transaction, when it has one. */
export function atomically<T>(context: FilesContext, work: () => T): T {
  return context.store.transaction ? context.store.transaction(work) : work()
}

/** OpenAI's file ids have a dash (`file-…`); the generator's have an underscore. */
function fileId(ids: IdGenerator): string {
  return ids('file').replace(/^file_/, 'file-')
}

/** Stores an upload as a file. */
export function createFile(context: FilesContext, upload: Upload): FileObject {
  const at = context.now()
  const file: FileObject = {
    id: fileId(context.ids),
    object: 'file',
    bytes: upload.bytes.byteLength,
    created_at: at,
    ...(upload.expiresAfterSeconds === undefined ? {} : { expires_at: at + upload.expiresAfterSeconds }),
    filename: upload.filename,
    purpose: upload.purpose,
    status: 'processed',
  }
  atomically(context, () => {
    context.store.contents.put(file.id, upload.bytes)
    context.store.files.put(file)
  })
  return file
}

/** Every file that has not expired, oldest first (expired ones are deleted on the way). */
export function listFiles(context: FilesContext): FileObject[] {
  return context.store.files.list().filter((file) => !expireFile(context, file))
}

function expireFile(context: FilesContext, file: FileObject): boolean {
  if (file.expires_at === undefined || file.expires_at > context.now()) {
    return false
  }
  deleteFile(context, file.id)
  return true
}

/** The file of an id, or a 404. */
export function getFile(context: FilesContext, id: string): FileObject {
  const file = context.store.files.get(id)
  if (!file || expireFile(context, file)) {
    throw fileNotFound(id)
  }
  return file
}

/** The bytes of a file, or a 404. */
export function fileContent(context: FilesContext, id: string): { file: FileObject; bytes: Uint8Array } {
  const file = getFile(context, id)
  return { file, bytes: context.store.contents.get(id) ?? new Uint8Array(0) }
}

/** Deletes a file and removes it from every vector store; false when there was none. */
export function deleteFile(context: FilesContext, id: string): boolean {
  return atomically(context, () => {
    for (const vectorStore of context.store.vectorStores.list()) {
      if (context.store.vectorStoreFiles.delete(vectorStore.id, id)) {
        refreshVectorStore(context, vectorStore.id)
      }
    }
    context.store.contents.delete(id)
    return context.store.files.delete(id)
  })
}

function counts(records: VectorStoreFileRecord[]): FileCounts {
  const result: FileCounts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: records.length }
  for (const record of records) {
    result[record.file.status]++
  }
  return result
}

function expiryOf(expiresAfter: VectorStoreExpiration | undefined, lastActive: number | null) {
  return expiresAfter && lastActive !== null ? lastActive + expiresAfter.days * 86_400 : null
}

/** Recomputes a vector store's counts, usage and status (and its batches') from its files, and saves it. */
export function refreshVectorStore(context: FilesContext, id: string): VectorStoreObject {
  const vectorStore = context.store.vectorStores.get(id)
  if (!vectorStore) {
    throw vectorStoreNotFound(id)
  }
  const records = context.store.vectorStoreFiles.list(id)
  for (const batch of context.store.fileBatches.list(id)) {
    const batchCounts = counts(records.filter((record) => record.batch_id === batch.id))
    const status =
      batch.status === 'cancelled' ? 'cancelled' : batchCounts.in_progress > 0 ? 'in_progress' : 'completed'
    context.store.fileBatches.put(id, { ...batch, status, file_counts: batchCounts })
  }
  const fileCounts = counts(records)
  const expiresAt = expiryOf(vectorStore.expires_after, vectorStore.last_active_at)
  const refreshed: VectorStoreObject = {
    ...vectorStore,
    file_counts: fileCounts,
    usage_bytes: records.reduce((sum, record) => sum + record.file.usage_bytes, 0),
    status:
      expiresAt !== null && expiresAt <= context.now()
        ? 'expired'
        : fileCounts.in_progress > 0
          ? 'in_progress'
          : 'completed',
    ...(vectorStore.expires_after ? { expires_at: expiresAt } : {}),
  }
  context.store.vectorStores.put(refreshed)
  return refreshed
}

/** Indexes the vector store's `in_progress` files: chunks for text, `failed` for anything else. */
export function settle(context: FilesContext, id: string): VectorStoreObject {
  return atomically(context, () => {
    if (!context.store.vectorStores.get(id)) {
      throw vectorStoreNotFound(id)
    }
    for (const record of context.store.vectorStoreFiles.list(id)) {
      if (record.file.status === 'in_progress') {
        context.store.vectorStoreFiles.put(id, indexRecord(context, record))
      }
    }
    return refreshVectorStore(context, id)
  })
}

function indexRecord(context: FilesContext, record: VectorStoreFileRecord): VectorStoreFileRecord {
  const file = context.store.files.get(record.id)
  const text = fileText(context.store.contents.get(record.id) ?? new Uint8Array(0))
  if (!file || text === undefined) {
    return {
      ...record,
      file: {
        ...record.file,
        status: 'failed',
        last_error: {
          code: 'unsupported_file',
          message: `The file ${file?.filename ?? record.id} is not a text file (UTF-8 without NUL bytes), so this server cannot index it.`,
        },
      },
    }
  }
  return {
    ...record,
    chunks: chunkText(text, record.file.chunking_strategy),
    file: { ...record.file, status: 'completed', usage_bytes: encoder.encode(text).byteLength },
  }
}

/** The static strategy a request's `chunking_strategy` stands for (`auto` and absent: 800/400). */
export function staticStrategy(requested: unknown): StaticChunkingStrategy {
  const value = requested as { type?: string; static?: StaticChunkingStrategy['static'] } | undefined
  return value?.type === 'static' && value.static
    ? { type: 'static', static: { ...value.static } }
    : autoChunkingStrategy
}

/** Creates a vector store, attaching `file_ids` (in progress until the next read). */
export function createVectorStore(context: FilesContext, body: Record<string, unknown>): VectorStoreObject {
  const at = context.now()
  const expiresAfter = body.expires_after as VectorStoreExpiration | undefined
  const vectorStore: VectorStoreObject = {
    id: context.ids('vs'),
    object: 'vector_store',
    created_at: at,
    name: (body.name as string | undefined) ?? '',
    usage_bytes: 0,
    file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
    status: 'completed',
    ...(expiresAfter ? { expires_after: expiresAfter, expires_at: expiryOf(expiresAfter, at) } : {}),
    last_active_at: at,
    metadata: (body.metadata as Metadata | undefined) ?? {},
  }
  const fileIds = (body.file_ids as string[] | undefined) ?? []
  return atomically(context, () => {
    for (const id of fileIds) {
      getFile(context, id)
    }
    context.store.vectorStores.put(vectorStore)
    for (const id of fileIds) {
      attach(context, vectorStore.id, id, staticStrategy(body.chunking_strategy), null, null)
    }
    return refreshVectorStore(context, vectorStore.id)
  })
}

/** Changes a vector store's name, expiry policy or metadata. */
export function modifyVectorStore(context: FilesContext, id: string, body: Record<string, unknown>) {
  return atomically(context, () => {
    const vectorStore = settle(context, id)
    const changed: VectorStoreObject = { ...vectorStore }
    if (body.name !== undefined) {
      changed.name = (body.name as string | null) ?? ''
    }
    if (body.metadata !== undefined) {
      changed.metadata = body.metadata as Metadata
    }
    if (body.expires_after === null) {
      delete changed.expires_after
      delete changed.expires_at
    } else if (body.expires_after !== undefined) {
      changed.expires_after = body.expires_after as VectorStoreExpiration
    }
    context.store.vectorStores.put(changed)
    return refreshVectorStore(context, id)
  })
}

/** Deletes a vector store with its file records (the files themselves stay); false when there was none. */
export function deleteVectorStore(context: FilesContext, id: string): boolean {
  return atomically(context, () => {
    context.store.vectorStoreFiles.deleteScope(id)
    context.store.fileBatches.deleteScope(id)
    return context.store.vectorStores.delete(id)
  })
}

/** Adds a file record `in_progress` (indexed by the next `settle`). */
export function attach(
  context: FilesContext,
  vectorStoreId: string,
  id: string,
  chunking: StaticChunkingStrategy,
  attributes: FileAttributes,
  batchId: string | null,
): VectorStoreFileObject {
  const file: VectorStoreFileObject = {
    id,
    object: 'vector_store.file',
    usage_bytes: 0,
    created_at: context.now(),
    vector_store_id: vectorStoreId,
    status: 'in_progress',
    last_error: null,
    chunking_strategy: chunking,
    attributes,
  }
  context.store.vectorStoreFiles.put(vectorStoreId, { id, file, batch_id: batchId, chunks: [] })
  return file
}

/** Marks a vector store active now (`last_active_at`, which its expiry counts from). */
export function touch(context: FilesContext, vectorStore: VectorStoreObject): void {
  context.store.vectorStores.put({ ...vectorStore, last_active_at: context.now() })
}

/** Attaches an uploaded file to a vector store (in progress until the next read). */
export function addVectorStoreFile(
  context: FilesContext,
  vectorStoreId: string,
  body: Record<string, unknown>,
) {
  return atomically(context, () => {
    const vectorStore = settle(context, vectorStoreId)
    const id = body.file_id as string
    getFile(context, id)
    touch(context, vectorStore)
    const file = attach(
      context,
      vectorStoreId,
      id,
      staticStrategy(body.chunking_strategy),
      (body.attributes as FileAttributes | undefined) ?? {},
      null,
    )
    refreshVectorStore(context, vectorStoreId)
    return file
  })
}

/** The record of a vector store's file (after indexing what was pending), or a 404. */
export function getVectorStoreFile(
  context: FilesContext,
  vectorStoreId: string,
  id: string,
): VectorStoreFileRecord {
  settle(context, vectorStoreId)
  const record = context.store.vectorStoreFiles.get(vectorStoreId, id)
  if (!record) {
    throw vectorStoreFileNotFound(vectorStoreId, id)
  }
  return record
}

/** Replaces a vector store file's attributes. */
export function updateVectorStoreFile(
  context: FilesContext,
  vectorStoreId: string,
  id: string,
  attributes: unknown,
) {
  return atomically(context, () => {
    const record = getVectorStoreFile(context, vectorStoreId, id)
    const file = { ...record.file, attributes: attributes as FileAttributes }
    context.store.vectorStoreFiles.put(vectorStoreId, { ...record, file })
    return file
  })
}

/** Removes a file from a vector store (the file stays); false when it was not in it. */
export function removeVectorStoreFile(context: FilesContext, vectorStoreId: string, id: string): boolean {
  return atomically(context, () => {
    settle(context, vectorStoreId)
    const removed = context.store.vectorStoreFiles.delete(vectorStoreId, id)
    refreshVectorStore(context, vectorStoreId)
    return removed
  })
}
