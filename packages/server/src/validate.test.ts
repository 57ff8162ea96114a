import { expect, test } from 'vitest'
import { HttpError } from './http.ts'
import { assertValid, requestSchema } from './validate.ts'

function failure(operation: string, body: unknown) {
  try {
    assertValid(requestSchema(operation), body)
  } catch (error) {
    if (error instanceof HttpError) {
      return { status: error.status, ...error.toBody().error }
    }
    throw error
  }
  return null
}

test('a minimal create-run body is valid, and nullable fields accept null', () => {
  expect(failure('createRun', { assistant_id: 'asst_1' })).toBeNull()
  expect(
    failure('createRun', {
      assistant_id: 'asst_1',
      instructions: null,
      temperature: null,
      truncation_strategy: null,
      tool_choice: null,
      response_format: null,
      metadata: null,
    }),
  ).toBeNull()
})

test('every optional create-run field in its spec shape is accepted', () => {
  expect(
    failure('createRun', {
      assistant_id: 'asst_1',
      model: 'gpt-4o',
      reasoning_effort: 'low',
      instructions: 'Be brief.',
      additional_instructions: 'Really brief.',
      additional_messages: [
        { role: 'user', content: 'hi', metadata: { a: 'b' } },
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
      ],
      tools: [
        { type: 'code_interpreter' },
        {
          type: 'file_search',
          file_search: { max_num_results: 5, ranking_options: { score_threshold: 0.5 } },
        },
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' }, strict: true } },
      ],
      metadata: { key: 'value' },
      temperature: 0.5,
      top_p: 0.9,
      stream: false,
      max_prompt_tokens: 1000,
      max_completion_tokens: 256,
      truncation_strategy: { type: 'last_messages', last_messages: 3 },
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
    }),
  ).toBeNull()
})

test('an unknown top-level field is named in the error', () => {
  expect(failure('createRun', { assistant_id: 'asst_1', foo: 1 })).toEqual({
    status: 400,
    message: 'Unrecognized request argument supplied: foo',
    type: 'invalid_request_error',
    param: 'foo',
    code: 'unknown_parameter',
  })
})

test('a missing required field is named', () => {
  expect(failure('createRun', {})).toMatchObject({
    message: "Missing required parameter: 'assistant_id'.",
    param: 'assistant_id',
    code: 'missing_required_parameter',
  })
})

test('ranges: temperature above 2, top_p below 0, max tokens below 256', () => {
  expect(failure('createRun', { assistant_id: 'a', temperature: 3 })).toMatchObject({
    param: 'temperature',
    code: 'decimal_above_max_value',
    message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
  })
  expect(failure('createRun', { assistant_id: 'a', top_p: -0.5 })).toMatchObject({
    param: 'top_p',
    code: 'decimal_below_min_value',
  })
  expect(failure('createRun', { assistant_id: 'a', max_completion_tokens: 10 })).toMatchObject({
    param: 'max_completion_tokens',
    code: 'integer_below_min_value',
    message:
      "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 256, but got 10 instead.",
  })
})

test('wrong types say what was expected', () => {
  expect(failure('createRun', { assistant_id: 'a', temperature: 'hot' })).toMatchObject({
    param: 'temperature',
    code: 'invalid_type',
    message: "Invalid type for 'temperature': expected a number, but got a string instead.",
  })
  expect(failure('createRun', { assistant_id: 42 })).toMatchObject({
    param: 'assistant_id',
    code: 'invalid_type',
  })
})

test('metadata: at most 16 pairs, 64-char keys, 512-char values', () => {
  const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']))
  expect(failure('modifyRun', { metadata: seventeen })).toMatchObject({
    param: 'metadata',
    code: 'object_above_max_properties',
  })
  const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`k${index}`, 'v']))
  expect(failure('modifyRun', { metadata: sixteen })).toBeNull()
  expect(failure('modifyRun', { metadata: { ['k'.repeat(65)]: 'v' } })).toMatchObject({
    code: 'string_above_max_length',
  })
  expect(failure('modifyRun', { metadata: { ['k'.repeat(64)]: 'v'.repeat(512) } })).toBeNull()
  expect(failure('modifyRun', { metadata: { key: 'v'.repeat(513) } })).toMatchObject({
    param: 'metadata.key',
    code: 'string_above_max_length',
  })
  expect(failure('modifyRun', { metadata: { key: 5 } })).toMatchObject({
    param: 'metadata.key',
    code: 'invalid_type',
  })
})

test('at most 20 tools on a run', () => {
  const tools = Array.from({ length: 21 }, () => ({ type: 'code_interpreter' }))
  expect(failure('createRun', { assistant_id: 'a', tools })).toMatchObject({
    param: 'tools',
    code: 'array_above_max_length',
    message:
      "Invalid 'tools': array too long. Expected an array with maximum length 20, but got an array with length 21 instead.",
  })
  expect(failure('createRun', { assistant_id: 'a', tools: tools.slice(0, 20) })).toBeNull()
})

test('a tagged union reports the member the tag picks, or the supported tags', () => {
  expect(failure('createRun', { assistant_id: 'a', tools: [{ type: 'browser' }] })).toMatchObject({
    param: 'tools[0].type',
    code: 'invalid_value',
    message:
      "Invalid value: 'browser'. Supported values are: 'code_interpreter', 'file_search', and 'function'.",
  })
  expect(failure('createRun', { assistant_id: 'a', tools: [{ type: 'function' }] })).toMatchObject({
    param: 'tools[0].function',
    code: 'missing_required_parameter',
  })
  expect(
    failure('createRun', {
      assistant_id: 'a',
      tools: [{ type: 'function', function: { name: 'bad name!' } }],
    }),
  ).toMatchObject({ param: 'tools[0].function.name', code: 'invalid_value' })
})

test('enums list their values', () => {
  expect(failure('createRun', { assistant_id: 'a', truncation_strategy: { type: 'middle' } })).toMatchObject({
    param: 'truncation_strategy.type',
    message: "Invalid value: 'middle'. Supported values are: 'auto' and 'last_messages'.",
  })
})

test('nested unknown fields in messages are rejected', () => {
  expect(
    failure('createThreadAndRun', {
      assistant_id: 'a',
      thread: { messages: [{ role: 'user', content: 'x', x: 1 }] },
    }),
  ).toMatchObject({ param: 'thread.messages[0].x', code: 'unknown_parameter' })
  expect(failure('createMessage', { role: 'system', content: 'x' })).toMatchObject({
    param: 'role',
    code: 'invalid_value',
  })
  expect(failure('createMessage', { role: 'user', content: [] })).toMatchObject({ param: 'content' })
})

test('submit tool outputs requires tool_outputs and rejects unknown fields', () => {
  expect(failure('submitToolOuputsToRun', {})).toMatchObject({ param: 'tool_outputs' })
  expect(failure('submitToolOuputsToRun', { tool_outputs: [{ tool_call_id: 'c', output: 'o' }] })).toBeNull()
  expect(failure('submitToolOuputsToRun', { tool_outputs: [], extra: true })).toMatchObject({
    param: 'extra',
  })
})

test('keys such as __proto__ are plain unknown fields, never merged into anything', () => {
  const body = JSON.parse('{"assistant_id":"a","__proto__":{"polluted":true}}')
  expect(failure('createRun', body)).toMatchObject({ param: '__proto__', code: 'unknown_parameter' })
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
})
