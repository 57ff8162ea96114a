// Owns vector store file batches: several files attached in one call, their combined status, and cancelling.
import { fileBatchNotFound, vectorStoreNotFound } from './errors.ts'
import {
  atomically,
  attach,
  type FilesContext,
  getFile,
  refreshVectorStore,
  settle,
  staticStrategy,
  touch,
} from './local.ts'
import type { FileAttributes, VectorStoreFileBatchObject } from './types.ts'

/** Attaches several files as one batch (`file_ids` with shared options, or `files` each with its own). */
export function createFileBatch(context: FilesContext, vectorStoreId: string, body: Record<string, unknown>) {
  return atomically(context, () => {
    const vectorStore = settle(context, vectorStoreId)
    const entries =
      (body.files as Record<string, unknown>[] | undefined) ??
      ((body.file_ids as string[] | undefined) ?? []).map((id) => ({
        file_id: id,
        chunking_strategy: body.chunking_strategy,
        attributes: body.attributes,
      }))
    for (const entry of entries) {
      getFile(context, entry.file_id as string)
    }
    const batch: VectorStoreFileBatchObject = {
      id: context.ids('vsfb'),
      object: 'vector_store.files_batch',
      created_at: context.now(),
      vector_store_id: vectorStoreId,
      status: 'in_progress',
      file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
    }
    context.store.fileBatches.put(vectorStoreId, batch)
    touch(context, vectorStore)
    for (const entry of entries) {
      const attributes = (entry.attributes as FileAttributes | undefined) ?? {}
      attach(
        context,
        vectorStoreId,
        entry.file_id as string,
        staticStrategy(entry.chunking_strategy),
        attributes,
        batch.id,
      )
    }
    refreshVectorStore(context, vectorStoreId)
    return context.store.fileBatches.get(vectorStoreId, batch.id)!
  })
}

/** A batch of a vector store (after indexing what was pending), or a 404. */
export function getFileBatch(
  context: FilesContext,
  vectorStoreId: string,
  id: string,
): VectorStoreFileBatchObject {
  settle(context, vectorStoreId)
  const batch = context.store.fileBatches.get(vectorStoreId, id)
  if (!batch) {
    throw fileBatchNotFound(vectorStoreId, id)
  }
  return batch
}

/** Cancels a batch: its files still in progress become `cancelled`, and so does the batch. */
export function cancelFileBatch(context: FilesContext, vectorStoreId: string, id: string) {
  return atomically(context, () => {
    if (!context.store.vectorStores.get(vectorStoreId)) {
      throw vectorStoreNotFound(vectorStoreId)
    }
    const batch = context.store.fileBatches.get(vectorStoreId, id)
    if (!batch) {
      throw fileBatchNotFound(vectorStoreId, id)
    }
    if (batch.status === 'in_progress') {
      for (const record of context.store.vectorStoreFiles.list(vectorStoreId)) {
        if (record.batch_id === id && record.file.status === 'in_progress') {
          context.store.vectorStoreFiles.put(vectorStoreId, {
            ...record,
            file: { ...record.file, status: 'cancelled' },
          })
        }
      }
      context.store.fileBatches.put(vectorStoreId, { ...batch, status: 'cancelled' })
    }
    refreshVectorStore(context, vectorStoreId)
    return context.store.fileBatches.get(vectorStoreId, id)!
  })
}
