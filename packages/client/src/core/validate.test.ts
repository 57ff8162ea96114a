// The spec's request rules, table-driven: each bad body names the field at fault.
import { describe, expect, test } from 'vitest'
import { ValidationError } from './errors.ts'
import { pathId, validateParams } from './validate.ts'

const tools = (count: number) => Array.from({ length: count }, () => ({ type: 'code_interpreter' }))
const metadata = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']))

describe('validateParams', () => {
  test.each([
    [{ temperature: 2.1 }, 'temperature'],
    [{ temperature: -0.1 }, 'temperature'],
    [{ top_p: 1.5 }, 'top_p'],
    [{ max_prompt_tokens: 255 }, 'max_prompt_tokens'],
    [{ max_completion_tokens: 300.5 }, 'max_completion_tokens'],
    [{ tools: tools(21) }, 'tools'],
    [{ tools: [{ type: 'function', function: { name: 'bad name' } }] }, 'tools[0].function.name'],
    [{ metadata: metadata(17) }, 'metadata'],
    [{ metadata: { ['k'.repeat(65)]: 'v' } }, 'metadata'],
    [{ metadata: { key: 'v'.repeat(513) } }, 'metadata.key'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [
      {
        tool_outputs: [
          { tool_call_id: 'a', output: '' },
          { tool_call_id: '', output: '' },
        ],
      },
      'tool_outputs[1].tool_call_id',
    ],
    [{ thread: { metadata: metadata(17) } }, 'thread.metadata'],
    [
      { thread: { messages: [{ role: 'user', content: 'x', metadata: { a: 1 } }] } },
      'thread.messages[0].metadata.a',
    ],
    [{ additional_messages: [{ metadata: metadata(20) }] }, 'additional_messages[0].metadata'],
  ])('%j fails on %s', (params, param) => {
    let error: unknown
    try {
      validateParams(params)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).param).toBe(param)
    expect((error as Error).message).toContain(`\`${param}\``)
  })

  test('valid edges, null and undefined pass', () => {
    expect(() =>
      validateParams({
        temperature: 2,
        top_p: 0,
        max_prompt_tokens: 256,
        tools: tools(20),
        metadata: metadata(16),
        limit: 100,
        instructions: null,
        model: undefined,
        response_format: null,
      }),
    ).not.toThrow()
  })

  test('metadata values are never echoed in the message', () => {
    expect(() => validateParams({ metadata: { token: `sk-${'x'.repeat(600)}` } })).toThrow(
      '`metadata.token` must be a string of at most 512 characters.',
    )
  })
})

describe('pathId', () => {
  test('encodes ids and rejects empty ones', () => {
    expect(pathId('a/b', 'threadId')).toBe('a%2Fb')
    expect(() => pathId('', 'runId')).toThrow('`runId` must be a non-empty string.')
    expect(() => pathId(undefined, 'stepId')).toThrow(ValidationError)
  })
})
