'use client'
import { useInfiniteQuery } from '@tanstack/react-query'
import type { ListMessagesQuery, ThreadIds } from '../core/index.ts'
import { runQueries } from '../query/queries.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Pages through the messages of a thread (newest first by default); a live `useRunStream` fills the same entry. */
export function useThreadMessages(ids: ThreadIds, query?: Omit<ListMessagesQuery, 'before'>) {
  const client = useRunsClient()
  return useInfiniteQuery(runQueries.messages(client, ids, query))
}
