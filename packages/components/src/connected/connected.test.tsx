import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, expect, test } from 'vitest'
import { disposeBackends, setupBackend } from '../test/backend.tsx'
import {
  ConnectedCancelRunButton,
  ConnectedMessageContent,
  ConnectedRunList,
  ConnectedRunMetadataEditor,
  ConnectedRunStatusBadge,
  ConnectedRunStep,
  ConnectedRunStepList,
} from './connected.tsx'

// A real backend per test (see setupBackend).
function setup(options: { tokenDelayMs?: number; cancelDelayMs?: number } = {}) {
  const { client, wrap } = setupBackend({
    server: {
      tokenDelayMs: options.tokenDelayMs ?? 0,
      cancelDelayMs: options.cancelDelayMs,
      pollAfterMs: 100,
    },
    client: { baseURL: 'http://runs.local/v1' },
  })
  return { client, wrap }
}

afterEach(disposeBackends)

test('status badge, run list, step list, step and message read a finished file-search run', async () => {
  const { client, wrap } = setup()
  const run = await client.runs.createThreadAndRunPoll({
    assistant_id: 'asst_demo',
    thread: { messages: [{ role: 'user', content: '/search refunds' }] },
  })
  expect(run.status).toBe('completed')
  const steps = await client.steps.list({ threadId: run.thread_id, runId: run.id }, { order: 'asc' })
  const fileSearchStep = steps.data.find((step) => step.type === 'tool_calls')!
  const messageStep = steps.data.find((step) => step.type === 'message_creation')!
  const messageId =
    messageStep.step_details.type === 'message_creation'
      ? messageStep.step_details.message_creation.message_id
      : ''
  const ids = { threadId: run.thread_id, runId: run.id }
  wrap(
    <>
      <ConnectedRunStatusBadge {...ids} data-testid="badge" />
      <ConnectedRunList threadId={run.thread_id} selectedRunId={run.id} />
      <ConnectedRunStepList {...ids} />
      <ol>
        <ConnectedRunStep {...ids} stepId={fileSearchStep.id} />
      </ol>
      <ConnectedMessageContent threadId={run.thread_id} messageId={messageId} data-testid="message" />
    </>,
  )
  await waitFor(() => expect(screen.getByTestId('badge').textContent).toBe('Completed'))
  expect(await screen.findByRole('button', { name: new RegExp(run.id) })).toBeTruthy()
  await waitFor(() => expect(screen.getAllByRole('group', { name: 'File search' })).toHaveLength(2))
  await waitFor(() => expect(screen.getByTestId('message').textContent).toContain('[1]'))
  expect(screen.getAllByRole('region', { name: 'Sources' }).length).toBeGreaterThan(0)
})

test('cancel and metadata go through useCancelRun and useModifyRun', async () => {
  const user = userEvent.setup()
  const { client, wrap } = setup({ tokenDelayMs: 30, cancelDelayMs: 200 })
  const stream = await client.runs.createThreadAndRun({
    assistant_id: 'asst_demo',
    thread: { messages: [{ role: 'user', content: '/long 300' }] },
    stream: true,
  })
  let runIds: { threadId: string; runId: string } | null = null
  for await (const event of stream) {
    if (event.event === 'thread.run.in_progress') {
      const data = event.data as { id: string; thread_id: string }
      runIds = { threadId: data.thread_id, runId: data.id }
      break
    }
  }
  stream.abort()
  const ids = runIds!
  wrap(
    <>
      <ConnectedCancelRunButton {...ids} />
      <ConnectedRunMetadataEditor {...ids} />
    </>,
  )
  const cancel = await screen.findByRole('button', { name: 'Cancel run' })
  await user.click(cancel)
  expect(cancel.textContent).toBe('Cancelling…')
  await waitFor(() => expect(cancel.textContent).toBe('Cancelled'), { timeout: 5000 })

  await user.click(screen.getByRole('button', { name: 'Add pair' }))
  await user.type(screen.getByRole('textbox', { name: 'Key 1' }), 'ticket')
  await user.type(screen.getByRole('textbox', { name: 'Value 1' }), 'SUP-9')
  await user.click(screen.getByRole('button', { name: 'Save metadata' }))
  await waitFor(() =>
    expect(screen.getByRole('form', { name: 'Run metadata' }).textContent).toContain('Metadata saved.'),
  )
  expect((await client.runs.retrieve(ids)).metadata).toEqual({ ticket: 'SUP-9' })
}, 15_000)
