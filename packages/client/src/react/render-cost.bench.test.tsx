// Render-cost benchmark: streams 5,000 text deltas through useRunStream into a page that also reads
// useThreadMessages, and reports React commits per second of stream, coalesced vs an uncoalesced baseline in the
// same run. Frames are a 16 ms clock, as in a browser (happy-dom runs frames as immediates).
// Run alone with `pnpm vitest run --project react render-cost`.
import { act, waitFor } from '@testing-library/react'
import { Profiler } from 'react'
import { afterEach, expect, test, vi } from 'vitest'
import { createTestBackend, createTestQueryClient, createThread, renderWithClient } from './test-utils.tsx'
import { useRunStream } from './useRunStream.ts'
import { useThreadMessages } from './useThreadMessages.ts'

const DELTAS = 5000
const FRAME_MS = 16

afterEach(() => {
  vi.unstubAllGlobals()
})

type Probe = { stream?: ReturnType<typeof useRunStream>; loaded: boolean; deltas: number }

function Page({ threadId, coalesce, probe }: { threadId: string; coalesce: boolean; probe: Probe }) {
  probe.stream = useRunStream({ threadId, resume: false, coalesce, onTextDelta: () => probe.deltas++ })
  const messages = useThreadMessages({ threadId })
  probe.loaded = messages.data !== undefined
  const text = messages.data?.pages[0]?.data[0]?.content[0]
  return <output>{text?.type === 'text' ? text.text.value.length : 0}</output>
}

async function measure(coalesce: boolean) {
  const backend = createTestBackend({ tokenDelayMs: 0 })
  const threadId = await createThread(backend, `/long ${DELTAS}`)
  const probe: Probe = { loaded: false, deltas: 0 }
  let commits = 0
  renderWithClient(
    createTestQueryClient(),
    backend.client,
    <Profiler id="page" onRender={() => commits++}>
      <Page threadId={threadId} coalesce={coalesce} probe={probe} />
    </Profiler>,
  )
  await waitFor(() => expect(probe.loaded).toBe(true))
  const before = commits
  const started = performance.now()
  await act(() => probe.stream!.create({ assistant_id: 'asst_demo' }))
  const seconds = (performance.now() - started) / 1000
  const streamCommits = commits - before
  return {
    deltas: probe.deltas,
    commits: streamCommits,
    seconds: Number(seconds.toFixed(3)),
    commitsPerSecond: Math.round(streamCommits / seconds),
  }
}

test(`render cost: ${DELTAS} deltas, commits per second of stream (target ≤ ${Math.round(1000 / FRAME_MS)})`, async () => {
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) =>
    setTimeout(() => callback(performance.now()), FRAME_MS),
  )
  vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id))
  const coalesced = await measure(true)
  const baseline = await measure(false)
  console.info(
    `render cost: coalesced ${JSON.stringify(coalesced)} | uncoalesced ${JSON.stringify(baseline)}`,
  )
  expect(coalesced.deltas).toBe(DELTAS)
  // At most one commit per frame (plus the start and the final flush).
  expect(coalesced.commits).toBeLessThanOrEqual(Math.ceil((coalesced.seconds * 1000) / FRAME_MS) + 2)
  expect(baseline.commits).toBeGreaterThan(coalesced.commits)
}, 60_000)
