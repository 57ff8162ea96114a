import { describe, expect, test } from 'vitest'
import { ValidationError } from './errors.ts'
import { toolOutput } from './tool-output.ts'

describe('toolOutput', () => {
  test('keeps strings and stringifies other outputs as JSON', () => {
    expect(toolOutput('call_1', 'sunny')).toEqual({ tool_call_id: 'call_1', output: 'sunny' })
    expect(toolOutput('call_1', { temperature: 21 })).toEqual({
      tool_call_id: 'call_1',
      output: '{"temperature":21}',
    })
    expect(toolOutput('call_1', 3).output).toBe('3')
    expect(toolOutput('call_1', null).output).toBe('null')
    expect(toolOutput('call_1', new Error('no weather')).output).toBe('{"error":"no weather"}')
  })

  test('rejects an empty id with a ValidationError naming tool_call_id', () => {
    expect(() => toolOutput('', 'x')).toThrow(ValidationError)
    expect(() => toolOutput('  ', 'x')).toThrow(expect.objectContaining({ param: 'tool_call_id' }))
  })

  test('rejects undefined and unserialisable outputs', () => {
    expect(() => toolOutput('call_1', undefined)).toThrow(expect.objectContaining({ param: 'output' }))
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(() => toolOutput('call_1', circular)).toThrow(/serialised/)
  })
})
