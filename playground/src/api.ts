// The playground's own small API (playground/app.ts): config, the per-session thread index, pace and faults.
import type { AssistantTool } from '@oai-runs/client'
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'

export type Pace = { tokenDelayMs: number; cancelDelayMs: number }

export type PlaygroundConfig = {
  mode: 'embedded' | 'upstream'
  /** The upstream's host in upstream mode. */
  upstream: string | null
  baseURL: string
  assistantId: string
  tools: AssistantTool[]
  /** True when pace and fault controls exist (embedded server). */
  faults: boolean
  pace?: Pace | undefined
}

export type ThreadEntry = { id: string; createdAt: number; title: string }

/** A fault rule of the embedded server (packages/server/src/faults.ts), as the panel sends it. */
export type FaultRule = {
  operation?: string
  times?: number
  status?: number
  code?: string
  message?: string
  retryAfterMs?: number
  delayMs?: number
  stream?: { stallAfterEvents?: number; stallMs?: number; cutAfterEvents?: number; errorAfterEvents?: number }
  /** Only for the panel: a label to show in the list of pending faults. */
  label?: string
}

export class PlaygroundApiError extends Error {
  override name = 'PlaygroundApiError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`/api/playground${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  })
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null
  if (!response.ok) {
    throw new PlaygroundApiError(
      body?.error?.message ?? `The playground API answered ${response.status}.`,
      response.status,
    )
  }
  return body as T
}

export const playgroundQueries = {
  config: () =>
    queryOptions({
      queryKey: ['playground', 'config'],
      queryFn: () => call<PlaygroundConfig>('/config'),
      staleTime: Number.POSITIVE_INFINITY,
    }),
  threads: () =>
    queryOptions({
      queryKey: ['playground', 'threads'],
      queryFn: async () => (await call<{ data: ThreadEntry[] }>('/threads')).data,
    }),
  faults: () =>
    queryOptions({
      queryKey: ['playground', 'faults'],
      queryFn: async () => (await call<{ data: FaultRule[] }>('/faults')).data,
    }),
}

export function useConfig() {
  return useQuery(playgroundQueries.config())
}

export function useThreadIndex() {
  return useQuery(playgroundQueries.threads())
}

export function useFaults(enabled: boolean) {
  // While a fault is armed, look every second whether it was used up.
  return useQuery({
    ...playgroundQueries.faults(),
    enabled,
    refetchInterval: (query) => (query.state.data?.length ? 1000 : false),
  })
}

export function useRenameThread() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, title }: { id: string; title: string }) =>
      call<ThreadEntry>(`/threads/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: JSON.stringify({ title }),
      }),
    onSuccess: (entry) => {
      queryClient.setQueryData<ThreadEntry[]>(playgroundQueries.threads().queryKey, (list) =>
        list?.map((item) => (item.id === entry.id ? entry : item)),
      )
    },
  })
}

export function useAddFault() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (rule: FaultRule) =>
      call<{ data: FaultRule[] }>('/faults', { method: 'POST', body: JSON.stringify(rule) }),
    onSuccess: (result) => queryClient.setQueryData(playgroundQueries.faults().queryKey, result.data),
  })
}

export function useClearFaults() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call<{ data: FaultRule[] }>('/faults', { method: 'DELETE' }),
    onSuccess: () => queryClient.setQueryData(playgroundQueries.faults().queryKey, []),
  })
}

export function setPace(pace: Partial<Pace>): Promise<unknown> {
  return call('/pace', { method: 'POST', body: JSON.stringify(pace) })
}

/** A title for a thread from its first message: the first line, trimmed to a sidebar's width. */
export function titleFrom(text: string): string {
  const line = text
    .trim()
    .split('\n')[0]!
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^[#>\s]+/, '')
    .replace(/\s+/g, ' ')
    .trim()
  return line.length > 48 ? `${line.slice(0, 47)}…` : line || 'New chat'
}
