// Tool calls and required actions of other hosts (Azure AI Agents' `mcp`, `bing_grounding`, `submit_tool_approval`):
// typed leniently, folded without loss, still under the delta merge's guards.
import { describe, expect, expectTypeOf, test } from 'vitest'
import { ValidationError } from './errors.ts'
import { emptyRunSnapshot, type RunSnapshotWarning, reduceRunEvent } from './run-snapshot.ts'
import { toolApproval } from './tool-output.ts'
import {
  type ApprovalToolCall,
  isKnownToolCall,
  type Run,
  type RunStreamEvent,
  requiredApprovals,
  requiredToolCalls,
  type SubmitToolOutputsParams,
  type ToolCall,
} from './types.ts'
import { validateParams } from './validate.ts'

// Events built from JSON text, as the wire delivers them (so "__proto__" is an own key).
const wire = (event: string, json: string) => ({ event, data: JSON.parse(json) }) as RunStreamEvent

function fold(events: RunStreamEvent[]) {
  const warnings: RunSnapshotWarning[] = []
  const snapshot = events.reduce(
    (current, event) => reduceRunEvent(current, event, { onWarning: (warning) => warnings.push(warning) }),
    emptyRunSnapshot(),
  )
  return { snapshot, warnings }
}

const step = (toolCalls: string) =>
  wire(
    'thread.run.step.created',
    `{"id":"step_1","object":"thread.run.step","created_at":1,"assistant_id":"asst_1","thread_id":"thread_1",
      "run_id":"run_1","type":"tool_calls","status":"in_progress","step_details":{"type":"tool_calls","tool_calls":${toolCalls}},
      "last_error":null,"expires_at":null,"cancelled_at":null,"failed_at":null,"completed_at":null,"usage":null}`,
  )
const stepDelta = (toolCalls: string) =>
  wire(
    'thread.run.step.delta',
    `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":${toolCalls}}}}`,
  )
const run = (requiredAction: string) =>
  wire(
    'thread.run.requires_action',
    `{"id":"run_1","object":"thread.run","created_at":1,"thread_id":"thread_1","assistant_id":"asst_1",
      "status":"requires_action","required_action":${requiredAction},"last_error":null,"expires_at":null,
      "started_at":1,"cancelled_at":null,"failed_at":null,"completed_at":null,"incomplete_details":null,
      "model":"gpt-4o","instructions":null,"tools":[],"usage":null}`,
  )

function callsOf(snapshot: ReturnType<typeof fold>['snapshot']): ToolCall[] {
  const details = snapshot.steps.byId.step_1?.step_details
  return details?.type === 'tool_calls' ? details.tool_calls : []
}

describe('tool calls of unknown types', () => {
  test('a full step keeps every field of an unknown call', () => {
    const call = {
      id: 'call_1',
      type: 'bing_grounding',
      bing_grounding: { requesturl: 'https://api.bing.microsoft.com/v7.0/search?q=weather' },
    }
    const { snapshot, warnings } = fold([step(JSON.stringify([call]))])
    expect(warnings).toEqual([])
    expect(callsOf(snapshot)).toEqual([call])
    expect(isKnownToolCall(callsOf(snapshot)[0]!)).toBe(false)
  })

  test('deltas of an unknown call merge field by field: strings overwrite, `arguments` and `output` append', () => {
    const { snapshot, warnings } = fold([
      step('[]'),
      stepDelta(
        '[{"index":0,"id":"call_1","type":"mcp","server_label":"docs","name":"search","arguments":""}]',
      ),
      stepDelta('[{"index":0,"type":"mcp","arguments":"{\\"q\\":"}]'),
      stepDelta('[{"index":0,"type":"mcp","arguments":"\\"runs\\"}","output":"3 hits"}]'),
    ])
    expect(warnings).toEqual([])
    expect(callsOf(snapshot)).toEqual([
      {
        id: 'call_1',
        type: 'mcp',
        server_label: 'docs',
        name: 'search',
        arguments: '{"q":"runs"}',
        output: '3 hits',
      },
    ])
  })

  test('the delta guards still apply: a __proto__ key or a changed type rejects the delta', () => {
    const start = [step('[{"id":"call_1","type":"mcp","name":"search"}]')]
    const polluted = fold([
      ...start,
      stepDelta('[{"index":0,"type":"mcp","mcp":{"__proto__":{"polluted":true}}}]'),
    ])
    expect(polluted.warnings.map((warning) => warning.code)).toContain('unsafe_key')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(callsOf(polluted.snapshot)).toEqual([{ id: 'call_1', type: 'mcp', name: 'search' }])

    const retyped = fold([...start, stepDelta('[{"index":0,"type":"openapi","name":"x"}]')])
    expect(retyped.warnings.map((warning) => warning.code)).toContain('entity_mismatch')
    expect(callsOf(retyped.snapshot)).toEqual([{ id: 'call_1', type: 'mcp', name: 'search' }])
  })

  test('isKnownToolCall narrows to the three OpenAI types', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}', output: null } }
    const value = call as ToolCall
    expect(isKnownToolCall(value)).toBe(true)
    if (isKnownToolCall(value) && value.type === 'function') {
      expectTypeOf(value.function.name).toEqualTypeOf<string>()
    }
  })
})

describe('required actions of other hosts', () => {
  const approval = {
    type: 'submit_tool_approval',
    submit_tool_approval: {
      tool_calls: [
        { id: 'call_a', type: 'mcp', name: 'delete_page', arguments: '{"id":7}', server_label: 'wiki' },
        { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
      ],
    },
  }

  test('submit_tool_approval folds as it came; requiredApprovals lists its calls, requiredToolCalls none', () => {
    const { snapshot, warnings } = fold([run(JSON.stringify(approval))])
    expect(warnings).toEqual([])
    expect(snapshot.run?.required_action).toEqual(approval)
    expect(requiredApprovals(snapshot.run)).toEqual(approval.submit_tool_approval.tool_calls)
    expect(requiredToolCalls(snapshot.run)).toEqual([])
    expectTypeOf(requiredApprovals(snapshot.run)).toEqualTypeOf<ApprovalToolCall[]>()
  })

  test('an unknown action is kept, and neither helper invents calls from it', () => {
    const future = {
      type: 'submit_tool_feedback',
      submit_tool_feedback: { tool_calls: [{ id: 'x', type: 'y' }] },
    }
    const { snapshot } = fold([run(JSON.stringify(future))])
    expect(snapshot.run?.required_action).toEqual(future)
    expect(requiredApprovals(snapshot.run)).toEqual([])
    expect(requiredToolCalls(snapshot.run)).toEqual([])
  })

  test('requiredToolCalls reads submit_tool_outputs, tolerating a missing list', () => {
    const calls = [{ id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } }]
    expect(
      requiredToolCalls({
        required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: calls } },
      }),
    ).toEqual(calls)
    expect(requiredToolCalls({ required_action: null })).toEqual([])
    expect(requiredToolCalls({ required_action: { type: 'submit_tool_outputs' } } as unknown as Run)).toEqual(
      [],
    )
  })
})

describe('tool approvals on submit', () => {
  test('toolApproval builds one answer and rejects empty ids and non-boolean decisions', () => {
    expect(toolApproval('call_a', true)).toEqual({ tool_call_id: 'call_a', approve: true })
    expect(toolApproval('call_a', false, { authorization: 'Bearer x' })).toEqual({
      tool_call_id: 'call_a',
      approve: false,
      headers: { authorization: 'Bearer x' },
    })
    expect(() => toolApproval('', true)).toThrow(ValidationError)
    expect(() => toolApproval('call_a', 'yes' as unknown as boolean)).toThrow(
      expect.objectContaining({ param: 'approve' }),
    )
  })

  test('validateParams names the bad field of tool_approvals', () => {
    expect(() => validateParams({ tool_approvals: 'all' })).toThrow(
      expect.objectContaining({ param: 'tool_approvals' }),
    )
    expect(() =>
      validateParams({ tool_approvals: [{ tool_call_id: 'a', approve: true }, { tool_call_id: '' }] }),
    ).toThrow(expect.objectContaining({ param: 'tool_approvals[1].tool_call_id' }))
    expect(() => validateParams({ tool_approvals: [{ tool_call_id: 'a', approve: 'no' }] })).toThrow(
      expect.objectContaining({ param: 'tool_approvals[0].approve' }),
    )
    expect(() => validateParams({ tool_approvals: [{ tool_call_id: 'a', approve: false }] })).not.toThrow()
  })

  test('the submit body takes outputs or approvals', () => {
    expectTypeOf({ tool_approvals: [toolApproval('a', true)] }).toExtend<SubmitToolOutputsParams>()
    expectTypeOf({ tool_outputs: [] }).toExtend<SubmitToolOutputsParams>()
    expectTypeOf({ stream: true }).not.toExtend<SubmitToolOutputsParams>()
  })
})
