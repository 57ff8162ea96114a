import { describe, expect, test } from 'vitest'
import type { RunToolCall } from '../core/index.ts'
import { ValidationError } from '../core/index.ts'
import { collectOutputs, initialToolCalls, parseArguments, ToolArgumentsError } from './tool-calls.ts'

const call = (id: string, name: string, args: string): RunToolCall => ({
  id,
  type: 'function',
  function: { name, arguments: args },
})

describe('tool calls', () => {
  test('arguments must be a JSON object', () => {
    expect(parseArguments('{"city":"Paris"}')).toEqual({ city: 'Paris' })
    expect(() => parseArguments('{"city":')).toThrow(ToolArgumentsError)
    expect(() => parseArguments('[1]')).toThrow(/not a JSON object/)
  })

  test('malformed arguments make an error state that keeps the raw text; no handler means manual (F8)', () => {
    const states = initialToolCalls(
      [
        call('call_1', 'get_weather', '{"city":'),
        call('call_2', 'get_time', '{}'),
        call('call_3', 'other', '{}'),
      ],
      { get_weather: () => 'x', get_time: () => 'y' },
      (item) => item.function.name === 'get_time',
    )
    expect(states.map((state) => state.status)).toEqual(['error', 'awaiting_approval', 'manual'])
    expect(states[0]?.arguments).toBe('{"city":')
    expect(states[0]?.error).toBeInstanceOf(ToolArgumentsError)
  })

  test('outputs merge the UI’s with the handlers’, and a missing or unknown call sends nothing (F1, F7)', () => {
    const states = initialToolCalls(
      [call('call_1', 'a', '{}'), call('call_2', 'b', '{}')],
      undefined,
      () => false,
    )
    const done = [{ ...states[0]!, status: 'done' as const, output: 'from handler' }, states[1]!]
    expect(collectOutputs(done, { call_2: { ok: true } })).toEqual([
      { tool_call_id: 'call_1', output: 'from handler' },
      { tool_call_id: 'call_2', output: '{"ok":true}' },
    ])
    expect(() => collectOutputs(done)).toThrow(ValidationError)
    expect(() => collectOutputs(done, [{ tool_call_id: 'call_9', output: 'x' }])).toThrow(/call_9/)
  })
})
