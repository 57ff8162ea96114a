// Owns searching vector stores: the scored chunks of `POST /vector_stores/{id}/search`, and the same search for
// runs over the vector stores a run's assistant and thread name in `tool_resources.file_search.vector_store_ids`
// (the scripted model's `/search` results).
import type { ModelContext } from '../model.ts'
import type { FileSearchResult } from '../types.ts'
import { matchesFilter, overlapScore, terms } from './indexing.ts'
import { type FilesContext, settle, touch } from './local.ts'
import type { VectorStoreSearchResult } from './types.ts'

/** What a search asks for. */
export interface SearchRequest {
  query: string | string[]
  maxResults: number
  scoreThreshold: number
  filters?: unknown
}

/** Scores every chunk of the vector stores' completed files; the best first, ties in file and chunk order. */
export function searchVectorStores(
  context: FilesContext,
  vectorStoreIds: string[],
  request: SearchRequest,
): VectorStoreSearchResult[] {
  const query = terms([request.query].flat().join(' '))
  if (request.filters !== undefined) {
    matchesFilter(request.filters, {}) // a malformed filter is a 400 even when no file is there to test
  }
  const found: VectorStoreSearchResult[] = []
  for (const vectorStoreId of vectorStoreIds) {
    const vectorStore = settle(context, vectorStoreId)
    touch(context, vectorStore)
    for (const record of context.store.vectorStoreFiles.list(vectorStoreId)) {
      const file = context.store.files.get(record.id)
      if (record.file.status !== 'completed' || !file) {
        continue
      }
      if (request.filters !== undefined && !matchesFilter(request.filters, record.file.attributes)) {
        continue
      }
      for (const chunk of record.chunks) {
        const score = overlapScore(query, chunk)
        if (score > 0 && score >= request.scoreThreshold) {
          const attributes = record.file.attributes ?? {}
          found.push({
            file_id: file.id,
            filename: file.filename,
            score,
            attributes,
            content: [{ type: 'text', text: chunk }],
          })
        }
      }
    }
  }
  // A stable sort keeps file and chunk order among equal scores.
  return found.sort((a, b) => b.score - a.score).slice(0, request.maxResults)
}

function vectorStoreIds(resources: Record<string, unknown> | null): string[] {
  const ids = (resources?.file_search as { vector_store_ids?: unknown } | undefined)?.vector_store_ids
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []
}

/** Searches a run's vector stores; answers a run's `/search`. */
export type RunFileSearch = (query: string, context: ModelContext) => FileSearchResult[] | undefined

/**
 * Creates the search a run's `/search` uses: undefined (so the scripted model invents its results) unless the
 * assistant's or thread's vector stores exist here and hold files; then their best chunks, as many as the run's
 * `file_search` tool allows (`max_num_results`, 20 by default) above its `score_threshold`.
 */
export function createRunFileSearch(files: FilesContext): RunFileSearch {
  return (query, context) => {
    const ids = [
      ...new Set([
        ...vectorStoreIds(context.assistant.tool_resources),
        ...vectorStoreIds(context.thread.tool_resources),
      ]),
    ].filter((id) => files.store.vectorStores.get(id) !== undefined)
    if (!ids.some((id) => files.store.vectorStoreFiles.list(id).length > 0)) {
      return undefined
    }
    const tool = context.run.tools.find((candidate) => candidate.type === 'file_search')
    const options = tool?.type === 'file_search' ? tool.file_search : undefined
    const found = searchVectorStores(files, ids, {
      query,
      maxResults: options?.max_num_results ?? 20,
      scoreThreshold: options?.ranking_options?.score_threshold ?? 0,
    })
    return found.map((result) => ({
      file_id: result.file_id,
      file_name: result.filename,
      score: result.score,
      content: result.content,
    }))
  }
}
