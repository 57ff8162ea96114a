// useRunStream re-renders a component only for the state properties it read (react-query's tracked results), so a
// page that shows the stream's status but reads the reply through useThreadMessages skips the reply's frames.
import { act, waitFor } from '@testing-library/react'
import { expect, test } from 'vitest'
import {
  createTestBackend,
  createTestQueryClient,
  createThread,
  renderWithClient,
  textOf,
} from './test-utils.tsx'
import { type UseRunStreamOptions, type UseRunStreamResult, useRunStream } from './useRunStream.ts'

const TOKENS = 300

type Probe = { stream?: UseRunStreamResult; renders: number; statuses: string[]; lengths: number[] }

function Page({
  threadId,
  probe,
  reads,
  options,
}: {
  threadId: string
  probe: Probe
  reads: 'status' | 'snapshot'
  options?: UseRunStreamOptions
}) {
  const stream = useRunStream({ threadId, resume: false, coalesce: false, ...options })
  probe.stream = stream
  probe.renders++
  if (reads === 'status') {
    probe.statuses.push(stream.status)
    return <output>{stream.status}</output>
  }
  const ids = stream.snapshot.messages.ids
  const text = textOf(stream.snapshot.messages.byId[ids.at(-1) ?? ''])
  probe.lengths.push(text.length)
  return <output>{text.length}</output>
}

async function streamInto(reads: 'status' | 'snapshot', options?: UseRunStreamOptions) {
  const backend = createTestBackend({ tokenDelayMs: 1 })
  const threadId = await createThread(backend, `/long ${TOKENS}`)
  const probe: Probe = { renders: 0, statuses: [], lengths: [] }
  renderWithClient(
    createTestQueryClient(),
    backend.client,
    <Page threadId={threadId} probe={probe} reads={reads} options={options} />,
  )
  await waitFor(() => expect(probe.stream).toBeDefined())
  const before = probe.renders
  await act(() => probe.stream!.create({ assistant_id: 'asst_demo' }))
  await waitFor(() => expect(probe.stream!.status).toBe('done'))
  return { probe, renders: probe.renders - before }
}

const replyOf = (stream: UseRunStreamResult) =>
  textOf(stream.snapshot.messages.byId[stream.snapshot.messages.ids.at(-1) ?? ''])

test('a component that reads only status renders for its changes, not for each piece of the reply', async () => {
  const { probe, renders } = await streamInto('status')
  // idle → streaming → done, and at most a render or two more for the run's own events: never one per token.
  expect(probe.statuses.at(-1)).toBe('done')
  expect(renders).toBeLessThanOrEqual(4)
  // Read later (an event handler, a test), an untracked property is the latest, not the last render's.
  expect(replyOf(probe.stream!).split(' ').length).toBe(TOKENS)
})

test('a component that reads the snapshot renders as the reply grows, each render seeing more of it', async () => {
  const { probe, renders } = await streamInto('snapshot')
  expect(renders).toBeGreaterThan(10)
  const growing = probe.lengths.filter((length, index) => index > 0 && length > probe.lengths[index - 1]!)
  expect(growing.length).toBeGreaterThan(10)
  expect(probe.lengths.at(-1)).toBe(replyOf(probe.stream!).length)
})

test("notifyOnChangeProps: 'all' renders on every change; a list renders only for the properties it names", async () => {
  const all = await streamInto('status', { notifyOnChangeProps: 'all' })
  expect(all.renders).toBeGreaterThan(10)
  const listed = await streamInto('snapshot', { notifyOnChangeProps: ['status'] })
  expect(listed.renders).toBeLessThanOrEqual(4)
  // The snapshot it read at its last render (status done) is the whole reply.
  expect(listed.probe.lengths.at(-1)).toBe(replyOf(listed.probe.stream!).length)
})
