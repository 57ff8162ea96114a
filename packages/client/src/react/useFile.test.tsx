// useFile and fileQueries.file against the in-process server: one request per file however many readers, never
// refetched (files never change), typed errors for a missing file, and keys under the backend's scope.
import { waitFor } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { NotFoundError } from '../core/index.ts'
import { fileKeys, runKeys } from '../query/keys.ts'
import { fileQueries } from '../query/queries.ts'
import { BASE_URL, createTestBackend, createTestQueryClient, renderHookWithClient } from './test-utils.tsx'
import { useFile } from './useFile.ts'

async function upload(backend: ReturnType<typeof createTestBackend>, filename: string) {
  const form = new FormData()
  form.set('purpose', 'assistants')
  form.set('file', new File(['text'], filename))
  const response = await backend.server.fetch(
    new Request(`${BASE_URL}/files`, { method: 'POST', body: form }),
  )
  return ((await response.json()) as { id: string }).id
}

describe('useFile', () => {
  test('reads the file object; two readers and a remount cost one request', async () => {
    const backend = createTestBackend()
    const fileId = await upload(backend, 'refund-policy.md')
    const queryClient = createTestQueryClient()
    const first = renderHookWithClient(queryClient, backend.client, () => [useFile(fileId), useFile(fileId)])
    await waitFor(() => expect(first.result.current[0]?.data?.filename).toBe('refund-policy.md'))
    expect(first.result.current[1]?.data?.filename).toBe('refund-policy.md')
    first.unmount()
    const again = renderHookWithClient(queryClient, backend.client, () => useFile(fileId))
    expect(again.result.current.data?.filename).toBe('refund-policy.md')
    expect(again.result.current.isStale).toBe(false)
    expect(backend.count('GET', /^\/files\//)).toBe(1)
  })

  test('a missing file ends in a NotFoundError after one request (not retryable)', async () => {
    const backend = createTestBackend()
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => useFile('file-missing'))
    await waitFor(() => expect(result.current.isError).toBe(true))
    expect(result.current.error).toBeInstanceOf(NotFoundError)
    expect(backend.count('GET', /^\/files\//)).toBe(1)
  })
})

describe('fileQueries.file', () => {
  test('prefetches with the query client alone and is keyed under the backend, outside any thread', async () => {
    const backend = createTestBackend()
    const fileId = await upload(backend, 'a.txt')
    const queryClient = createTestQueryClient()
    const options = fileQueries.file(backend.client, fileId)
    expect(options.staleTime).toBe(Number.POSITIVE_INFINITY)
    expect(options.queryKey).toEqual([...runKeys.all(backend.client), 'file', fileId])
    expect(options.queryKey.slice(0, 3)).toEqual(fileKeys.all(backend.client))
    await queryClient.prefetchQuery(options)
    expect(queryClient.getQueryData(options.queryKey)?.filename).toBe('a.txt')
    await queryClient.fetchQuery(options)
    expect(backend.count('GET', /^\/files\//)).toBe(1)
  })
})
