// ToolApprovalForm: approve or reject each call of a `submit_tool_approval` run, one submit of every decision; and
// RunViewer / ConnectedRunViewer showing it for such a run (against the in-process server's `/approve`).
import type { ApprovalToolCall, Run, ToolApproval } from '@oai-runs/client'
import { requiredApprovals } from '@oai-runs/client'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, expect, test, vi } from 'vitest'
import { ConnectedRunViewer } from '../connected/connected.tsx'
import { RunViewer } from '../run-viewer/RunViewer.tsx'
import { disposeBackends, setupBackend } from '../test/backend.tsx'
import { run as runFixture } from '../test/fixtures.ts'
import { ToolApprovalForm } from './ToolApprovalForm.tsx'

afterEach(disposeBackends)

const calls: ApprovalToolCall[] = [
  { id: 'call_a', type: 'mcp', name: 'delete_page', arguments: '{"id":7}', server_label: 'wiki' },
  { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
]

test('each call is a fieldset named by its legend, with labelled approve and reject radios', () => {
  render(<ToolApprovalForm toolCalls={calls} onSubmit={() => undefined} />)
  const form = screen.getByRole('form', { name: 'Tool approvals' })
  const first = within(form).getByRole('group', { name: /^delete_page \(\s?mcp on wiki\s?\)$/ })
  expect(within(first).getByRole('radio', { name: 'Approve' })).toBeTruthy()
  expect(within(first).getByRole('radio', { name: 'Reject' })).toBeTruthy()
  expect(first.querySelector('[data-oai-arguments]')?.textContent).toBe('{\n  "id": 7\n}')
  const second = within(form).getByRole('group', { name: /^get_weather \(\s?function\s?\)$/ })
  expect(second.querySelectorAll('bdi')).toHaveLength(2)
  const submit = within(form).getByRole('button', { name: 'Decide 2 more' })
  expect(submit.getAttribute('aria-disabled')).toBe('true')
})

test('the submit waits for every decision, then sends them all once', async () => {
  const user = userEvent.setup()
  let resolve: () => void = () => undefined
  const onSubmit = vi.fn((_approvals: ToolApproval[]) => new Promise<void>((done) => (resolve = done)))
  const onSubmitted = vi.fn()
  render(<ToolApprovalForm toolCalls={calls} onSubmit={onSubmit} onSubmitted={onSubmitted} />)
  const [first, second] = screen.getAllByRole('group')
  await user.click(within(first!).getByRole('radio', { name: 'Approve' }))
  expect(first!.getAttribute('data-state')).toBe('approved')
  await user.click(screen.getByRole('button', { name: 'Decide 1 more' }))
  expect(onSubmit).not.toHaveBeenCalled()
  await user.click(within(second!).getByRole('radio', { name: 'Reject' }))
  const submit = screen.getByRole('button', { name: 'Submit decisions' })
  await user.click(submit)
  await user.click(submit)
  expect(onSubmit).toHaveBeenCalledTimes(1)
  expect(onSubmit).toHaveBeenCalledWith([
    { tool_call_id: 'call_a', approve: true },
    { tool_call_id: 'call_b', approve: false },
  ])
  resolve()
  await waitFor(() => expect(onSubmitted).toHaveBeenCalledTimes(1))
  expect(screen.getByRole('button', { name: 'Submitted' })).toBeTruthy()
})

test('a failed submit shows its error as an alert and allows another try', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn().mockRejectedValueOnce(new Error('Expected tool approvals for call_ids [...]'))
  render(
    <ToolApprovalForm toolCalls={calls.slice(0, 1)} defaultValue={{ call_a: false }} onSubmit={onSubmit} />,
  )
  await user.click(screen.getByRole('button', { name: 'Submit decisions' }))
  expect((await screen.findByRole('alert')).textContent).toContain('Expected tool approvals')
  await user.click(screen.getByRole('button', { name: 'Submit decisions' }))
  expect(onSubmit).toHaveBeenCalledTimes(2)
})

test('a run that no longer waits closes the form', () => {
  render(<ToolApprovalForm toolCalls={calls} runStatus="cancelled" onSubmit={() => undefined} />)
  expect(screen.getByRole('form').getAttribute('data-state')).toBe('closed')
  expect(screen.getByText('The run no longer waits for these approvals.')).toBeTruthy()
  expect((screen.getAllByRole('radio')[0] as HTMLInputElement).disabled).toBe(true)
})

test('RunViewer shows the approval form (not the tool-output form) for a submit_tool_approval run', () => {
  const run = runFixture({
    status: 'requires_action',
    required_action: { type: 'submit_tool_approval', submit_tool_approval: { tool_calls: calls } },
  } as Partial<Run>)
  render(
    <RunViewer run={run} onSubmitToolOutputs={() => undefined} onSubmitToolApprovals={() => undefined} />,
  )
  expect(screen.getByRole('form', { name: 'Tool approvals' })).toBeTruthy()
  expect(screen.queryByRole('form', { name: 'Tool outputs' })).toBeNull()
})

test('ConnectedRunViewer answers an /approve run with tool_approvals and the run completes', async () => {
  const user = userEvent.setup()
  const { client, wrap } = setupBackend({
    server: { tokenDelayMs: 0, pollAfterMs: 20 },
    client: { baseURL: 'http://runs.local/v1' },
  })
  const thread = await client.threads.create({
    messages: [{ role: 'user', content: '/approve delete_page {"id":7}' }],
  })
  const run = await client.runs.createAndPoll({ threadId: thread.id }, { assistant_id: 'asst_demo' })
  expect(requiredApprovals(run)).toHaveLength(1)
  wrap(<ConnectedRunViewer threadId={thread.id} runId={run.id} />)
  const group = await screen.findByRole('group', {
    name: /^delete_page \(\s?mcp on scripted_mcp\s?\)$/,
  })
  await user.click(within(group).getByRole('radio', { name: 'Approve' }))
  await user.click(screen.getByRole('button', { name: 'Submit decisions' }))
  await waitFor(
    () =>
      expect(document.querySelector('[data-oai-run-viewer]')?.getAttribute('data-state')).toBe('completed'),
    {
      timeout: 5000,
    },
  )
  const messages = await client.messages.list({ threadId: thread.id }, { order: 'desc', limit: 1 })
  const part = messages.data[0]?.content[0]
  expect(part?.type === 'text' ? part.text.value : '').toBe('Tool approvals: delete_page approved.')
})
