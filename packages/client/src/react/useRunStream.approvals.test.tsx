// useRunStream with a host's `submit_tool_approval` action (Azure AI Agents), driven to completion against the
// in-process server's `/approve` command.
import { act, waitFor } from '@testing-library/react'
import { describe, expect, test, vi } from 'vitest'
import {
  createTestBackend,
  createTestQueryClient,
  createThread,
  renderHookWithClient,
  textOf,
} from './test-utils.tsx'
import { useRunStream } from './useRunStream.ts'

const TWO_CALLS = '/approve delete_page {"id":7}\n/approve list_pages {}'

async function waitingRun(content = TWO_CALLS, options: Parameters<typeof useRunStream>[0] = {}) {
  const backend = createTestBackend()
  const threadId = await createThread(backend, content)
  const onRequiresAction = vi.fn()
  const hook = renderHookWithClient(createTestQueryClient(), backend.client, () =>
    useRunStream({ threadId, resume: false, onRequiresAction, ...options }),
  )
  await act(() => hook.result.current.create({ assistant_id: 'asst_demo' }))
  await waitFor(() => expect(hook.result.current.status).toBe('requires_action'))
  return { backend, threadId, onRequiresAction, ...hook }
}

function lastReply(result: { current: ReturnType<typeof useRunStream> }) {
  const messages = Object.values(result.current.snapshot.messages.byId)
  return textOf(messages.at(-1))
}

describe('useRunStream: submit_tool_approval', () => {
  test('lists the calls awaiting approval, none of them as client tool calls', async () => {
    const { result, onRequiresAction } = await waitingRun()
    expect(result.current.toolCalls).toEqual([])
    expect(result.current.approvals).toEqual([
      expect.objectContaining({
        type: 'mcp',
        name: 'delete_page',
        arguments: '{"id":7}',
        serverLabel: 'scripted_mcp',
        decision: 'pending',
      }),
      expect.objectContaining({ name: 'list_pages', decision: 'pending' }),
    ])
    expect(onRequiresAction).toHaveBeenCalledWith(
      expect.objectContaining({ approvals: result.current.approvals, toolCalls: [] }),
    )
  })

  test('approve and reject each call: the last decision submits once and the stream goes on to the end', async () => {
    const { result, backend } = await waitingRun()
    const [first, second] = result.current.approvals
    act(() => result.current.approve(first!.id))
    await waitFor(() =>
      expect(result.current.approvals.map((call) => call.decision)).toEqual(['approved', 'pending']),
    )
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(0)
    act(() => result.current.reject(second!.id))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.runStatus).toBe('completed')
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
    expect(lastReply(result)).toBe('Tool approvals: delete_page approved; list_pages rejected.')
    // A late click on an answered run sends nothing.
    act(() => result.current.approve(first!.id))
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
  })

  test('submitToolApprovals sends every decision in one request and continues the stream', async () => {
    const { result, backend } = await waitingRun()
    const [first, second] = result.current.approvals
    await act(() => result.current.submitToolApprovals({ [first!.id]: false, [second!.id]: true }))
    await waitFor(() => expect(result.current.runStatus).toBe('completed'))
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
    expect(lastReply(result)).toBe('Tool approvals: delete_page rejected; list_pages approved.')
  })

  test('submitToolApprovals refuses, sending nothing, while a call is undecided or an id is unknown', async () => {
    const { result, backend } = await waitingRun()
    const [first] = result.current.approvals
    expect(() => result.current.submitToolApprovals({ [first!.id]: true })).toThrow(/Approve or reject call/)
    expect(() => result.current.submitToolApprovals({ call_other: true })).toThrow(/does not wait/)
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(0)
    expect(result.current.status).toBe('requires_action')
  })

  test('a function-call run has no approvals, and submitToolApprovals refuses it', async () => {
    const { result } = await waitingRun('/tool get_weather {"city":"Oslo"}')
    expect(result.current.approvals).toEqual([])
    expect(result.current.toolCalls.map((call) => call.name)).toEqual(['get_weather'])
    expect(() => result.current.submitToolApprovals({})).toThrow(/waiting for tool approvals/)
  })
})
