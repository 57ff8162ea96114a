import { renderHook } from '@testing-library/react'
import { describe, expect, test, vi } from 'vitest'
import { createClient } from '../core/index.ts'
import { RunsClientProvider, useRunsClient } from './RunsClientProvider.tsx'

describe('RunsClientProvider', () => {
  test('useRunsClient outside the provider says how to fix it', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    expect(() => renderHook(() => useRunsClient())).toThrow(/must be used within `RunsClientProvider`/)
    vi.restoreAllMocks()
  })

  test('the provided client carries the base URL that scopes its keys', () => {
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch: vi.fn() })
    const { result } = renderHook(() => useRunsClient(), {
      wrapper: ({ children }) => <RunsClientProvider client={client}>{children}</RunsClientProvider>,
    })
    expect(result.current.baseURL).toBe('http://runs.test/v1')
    expect(result.current.runs).toBe(client.runs)
  })

  test("the client's base URL is the one the hooks see", () => {
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch: vi.fn() })
    const { result } = renderHook(() => useRunsClient(), {
      wrapper: ({ children }) => <RunsClientProvider client={client}>{children}</RunsClientProvider>,
    })
    expect(result.current.baseURL).toBe('http://runs.test/v1')
  })
})
