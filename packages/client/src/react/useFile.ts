'use client'
// Owns `useFile`: one file object read through `fileQueries.file` (fetched once, never stale).
import { useQuery } from '@tanstack/react-query'
import { fileQueries } from '../query/queries.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/**
 * Reads one file object (e.g. the `filename` a citation shows); fetched once per cache, as files never change.
 * @example
 * const file = useFile(annotation.file_citation.file_id)
 * return <bdi>{file.data?.filename ?? annotation.file_citation.file_id}</bdi>
 */
export function useFile(fileId: string) {
  const client = useRunsClient()
  return useQuery(fileQueries.file(client, fileId))
}
