// One fold per event (render cost): the RunStream folds each event as it is handed out and the hook reads
// that snapshot, instead of folding every event a second time. Counts every fold of the core, through the hook.
import { act, waitFor } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import type { AnyRunStreamEvent } from '../core/index.ts'
import {
  createTestBackend,
  createTestQueryClient,
  createThread,
  renderHookWithClient,
} from './test-utils.tsx'
import { useRunStream } from './useRunStream.ts'

const folds = vi.hoisted(() => ({ count: 0 }))

vi.mock('../core/run-snapshot.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../core/run-snapshot.ts')>()
  return {
    ...actual,
    reduceRunEvent: (...args: Parameters<typeof actual.reduceRunEvent>) => {
      folds.count++
      return actual.reduceRunEvent(...args)
    },
    createRunFold: (...args: Parameters<typeof actual.createRunFold>) => {
      const fold = actual.createRunFold(...args)
      return {
        ...fold,
        add: (event: AnyRunStreamEvent) => {
          folds.count++
          fold.add(event)
        },
      }
    },
  }
})

test('each streamed event is folded once in total (stream and hook together)', async () => {
  const backend = createTestBackend()
  const threadId = await createThread(backend, '/long 50')
  const events: string[] = []
  const { result } = renderHookWithClient(createTestQueryClient(), backend.client, () =>
    useRunStream({ threadId, resume: false, onEvent: (event) => events.push(event.event) }),
  )
  folds.count = 0
  await act(() => result.current.create({ assistant_id: 'asst_demo' }))
  await waitFor(() => expect(result.current.status).toBe('done'))
  const folded = events.filter((name) => name !== 'done') // `[DONE]` ends the stream; nothing to fold
  expect(folded.length).toBeGreaterThan(50)
  expect(folds.count).toBe(folded.length)
})
