// Owns the `/vector_stores` routes: vector stores, their files, file batches and search, answering the spec's
// VectorStoreObject, VectorStoreFileObject, VectorStoreFileBatchObject, list, delete and search-page shapes.
import { badRequest, readJsonBody } from '../http.ts'
import { paginate, readListQuery } from '../pagination.ts'
import { assertValid } from '../validate.ts'
import { cancelFileBatch, createFileBatch, getFileBatch } from './batches.ts'
import {
  addVectorStoreFile,
  createVectorStore,
  deleteVectorStore,
  getVectorStoreFile,
  modifyVectorStore,
  removeVectorStoreFile,
  settle,
  updateVectorStoreFile,
} from './local.ts'
import type { FilesRoute, FilesRouteContext } from './route.ts'
import { vectorStoreSchemas } from './schemas.ts'
import { searchVectorStores } from './search.ts'
import type {
  VectorStoreDeletedObject,
  VectorStoreFileDeletedObject,
  VectorStoreFileObject,
  VectorStoreSearchResultsPage,
} from './types.ts'

async function validBody(context: FilesRouteContext, operation: keyof typeof vectorStoreSchemas) {
  const body = await readJsonBody(context.request)
  assertValid(vectorStoreSchemas[operation], body)
  return body
}

function checkChunking(body: Record<string, unknown>, param = 'chunking_strategy'): void {
  const strategy = body.chunking_strategy as {
    static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number }
  }
  const fixed = strategy?.static
  if (fixed && fixed.chunk_overlap_tokens > fixed.max_chunk_size_tokens / 2) {
    throw badRequest(
      `Invalid '${param}.static.chunk_overlap_tokens': the overlap (${fixed.chunk_overlap_tokens}) must not exceed half of max_chunk_size_tokens (${fixed.max_chunk_size_tokens}).`,
      `${param}.static.chunk_overlap_tokens`,
      'invalid_value',
    )
  }
}

const statuses = ['in_progress', 'completed', 'failed', 'cancelled']

/** The files of a vector store (of one batch, when given), filtered by `filter` and paginated. */
function listFiles(context: FilesRouteContext, batchId?: string) {
  const vectorStoreId = context.params.vector_store_id!
  if (batchId !== undefined) {
    getFileBatch(context.files, vectorStoreId, batchId)
  } else {
    settle(context.files, vectorStoreId)
  }
  const filter = context.url.searchParams.get('filter')
  if (filter !== null && !statuses.includes(filter)) {
    throw badRequest(
      `Invalid value: '${filter}'. Supported values are: 'in_progress', 'completed', 'failed', and 'cancelled'.`,
      'filter',
      'invalid_value',
    )
  }
  const records = context.files.store.vectorStoreFiles
    .list(vectorStoreId)
    .filter(
      (record) =>
        (batchId === undefined || record.batch_id === batchId) &&
        (filter === null || record.file.status === filter),
    )
  return paginate<VectorStoreFileObject>(
    records.map((record) => record.file),
    readListQuery(context.url),
  )
}

/** A JSON object with a status, sent with `openai-poll-after-ms` as the SDK's poll helpers read it. */
function pollable(context: FilesRouteContext, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', 'openai-poll-after-ms': String(context.pollAfterMs) },
  })
}

/** The routes of `/vector_stores`. */
export const vectorStoreRoutes: FilesRoute[] = [
  {
    method: 'POST',
    path: '/vector_stores',
    handler: async (context) => {
      const body = await validBody(context, 'createVectorStore')
      checkChunking(body)
      return createVectorStore(context.files, body)
    },
  },
  {
    method: 'GET',
    path: '/vector_stores',
    handler: ({ url, files }) => {
      const query = readListQuery(url)
      const all = files.store.vectorStores.list().map((vectorStore) => settle(files, vectorStore.id))
      return paginate(all, query)
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}',
    handler: ({ params, files }) => settle(files, params.vector_store_id!),
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}',
    handler: async (context) => {
      const body = await validBody(context, 'modifyVectorStore')
      return modifyVectorStore(context.files, context.params.vector_store_id!, body)
    },
  },
  {
    method: 'DELETE',
    path: '/vector_stores/{vector_store_id}',
    handler: ({ params, files }) => {
      const id = params.vector_store_id!
      settle(files, id)
      deleteVectorStore(files, id)
      return { id, object: 'vector_store.deleted', deleted: true } satisfies VectorStoreDeletedObject
    },
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/files',
    handler: async (context) => {
      const body = await validBody(context, 'createVectorStoreFile')
      checkChunking(body)
      return pollable(context, addVectorStoreFile(context.files, context.params.vector_store_id!, body))
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/files',
    handler: (context) => listFiles(context),
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/files/{file_id}',
    handler: (context) =>
      pollable(
        context,
        getVectorStoreFile(context.files, context.params.vector_store_id!, context.params.file_id!).file,
      ),
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/files/{file_id}',
    handler: async (context) => {
      const body = await validBody(context, 'updateVectorStoreFileAttributes')
      const { vector_store_id, file_id } = context.params
      return updateVectorStoreFile(context.files, vector_store_id!, file_id!, body.attributes)
    },
  },
  {
    method: 'DELETE',
    path: '/vector_stores/{vector_store_id}/files/{file_id}',
    handler: ({ params, files }) => {
      const { vector_store_id, file_id } = params
      getVectorStoreFile(files, vector_store_id!, file_id!)
      removeVectorStoreFile(files, vector_store_id!, file_id!)
      return {
        id: file_id!,
        object: 'vector_store.file.deleted',
        deleted: true,
      } satisfies VectorStoreFileDeletedObject
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/files/{file_id}/content',
    handler: ({ params, files }) => {
      const record = getVectorStoreFile(files, params.vector_store_id!, params.file_id!)
      return {
        object: 'vector_store.file_content.page',
        data: record.chunks.map((text) => ({ type: 'text', text })),
        has_more: false,
        next_page: null,
      }
    },
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/file_batches',
    handler: async (context) => {
      const body = await validBody(context, 'createVectorStoreFileBatch')
      if ((body.file_ids === undefined) === (body.files === undefined)) {
        throw badRequest(
          "Give exactly one of 'file_ids' (with shared chunking_strategy and attributes) or 'files' (each with its own).",
          body.file_ids === undefined ? 'file_ids' : 'files',
        )
      }
      checkChunking(body)
      for (const [index, entry] of ((body.files as Record<string, unknown>[] | undefined) ?? []).entries()) {
        checkChunking(entry, `files[${index}].chunking_strategy`)
      }
      return pollable(context, createFileBatch(context.files, context.params.vector_store_id!, body))
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/file_batches/{batch_id}',
    handler: (context) =>
      pollable(
        context,
        getFileBatch(context.files, context.params.vector_store_id!, context.params.batch_id!),
      ),
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel',
    handler: (context) =>
      cancelFileBatch(context.files, context.params.vector_store_id!, context.params.batch_id!),
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/file_batches/{batch_id}/files',
    handler: (context) => listFiles(context, context.params.batch_id!),
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/search',
    handler: async (context) => {
      const body = await validBody(context, 'searchVectorStore')
      const query = body.query as string | string[]
      const ranking = body.ranking_options as { score_threshold?: number } | undefined
      const data = searchVectorStores(context.files, [context.params.vector_store_id!], {
        query,
        maxResults: (body.max_num_results as number | undefined) ?? 10,
        scoreThreshold: ranking?.score_threshold ?? 0,
        filters: body.filters,
      })
      return {
        object: 'vector_store.search_results.page',
        search_query: [query].flat(),
        data,
        has_more: false,
        next_page: null,
      } satisfies VectorStoreSearchResultsPage
    },
  },
]
