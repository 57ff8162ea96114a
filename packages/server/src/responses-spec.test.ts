// The Responses adapter and test server against OpenAI's OpenAPI spec itself (../shared/spec/openai-openapi.yaml
// beside the repository, as scripts/extract-spec.mjs reads it; skipped without it): every request the adapter sends
// validates as CreateResponse, every event the test server streams as its ResponseStreamEvent member.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { parse } from 'yaml'
import { createTestServer } from '../../../test/support/server-harness.ts'
import { createResponsesModel } from './responses.ts'
import {
  createResponsesTestServer,
  functionCallsTurn,
  type ResponsesTestServer,
  type ScriptedTurn,
  textTurn,
} from './testing.ts'

const specPath = fileURLToPath(new URL('../../../../shared/spec/openai-openapi.yaml', import.meta.url))
const haveSpec = existsSync(specPath)
const id = 'https://oai-runs.test/openai-openapi.json'

/** The spec's discriminated unions are `oneOf`s whose members overlap without their discriminator: read as anyOf. */
function relaxOneOf(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(relaxOneOf)
  }
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key === 'oneOf' ? 'anyOf' : key, relaxOneOf(value)]),
    )
  }
  return node
}

let schemas: Record<string, { properties?: { type?: { enum?: string[] } } }>
let ajv: Ajv2020
let upstream: ResponsesTestServer
let harness: ReturnType<typeof createTestServer>
const streamed: Record<string, unknown>[] = []

beforeAll(() => {
  if (!haveSpec) {
    return
  }
  const spec = relaxOneOf(parse(readFileSync(specPath, 'utf8'))) as {
    components: { schemas: typeof schemas }
  }
  schemas = spec.components.schemas
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema({ ...spec, $id: id })
  upstream = createResponsesTestServer()
  // Every event the test server streams is kept for the check.
  const recording = async (input: string, init: RequestInit) => {
    const response = await upstream.fetch(input, init)
    const text = await response.text()
    for (const frame of text.split('\n\n').filter(Boolean)) {
      streamed.push(JSON.parse(frame.slice(frame.indexOf('data: ') + 6)))
    }
    return new Response(text, { status: response.status, headers: response.headers })
  }
  harness = createTestServer({
    model: createResponsesModel({ baseURL: 'http://responses.test/v1', model: 'gpt-4.1', fetch: recording }),
  })
})

afterAll(() => harness?.server.close())

function schema(name: string): ValidateFunction {
  const validate = ajv.getSchema(`${id}#/components/schemas/${name}`)
  if (!validate) {
    throw new Error(`no schema ${name}`)
  }
  return validate
}

test.skipIf(!haveSpec)(
  'requests validate as CreateResponse; events as their ResponseStreamEvent member',
  async () => {
    const { body: assistant } = await harness.call('POST', '/assistants', {
      model: 'gpt-4o',
      instructions: 'Be brief.',
      tools: [
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
        {
          type: 'file_search',
          file_search: { max_num_results: 4, ranking_options: { score_threshold: 0.2 } },
        },
        { type: 'code_interpreter' },
      ],
      tool_resources: {
        file_search: { vector_store_ids: ['vs_1'] },
        code_interpreter: { file_ids: ['file-a'] },
      },
      response_format: { type: 'json_object' },
      temperature: 0.5,
    })
    const hosted: ScriptedTurn = {
      kind: 'response',
      output: [
        {
          type: 'file_search_call',
          queries: ['q'],
          results: [{ file_id: 'f', filename: 'a.md', score: 0.5, text: 't' }],
        },
        {
          type: 'code_interpreter_call',
          code: ['print(', '1)'],
          outputs: [
            { type: 'logs', logs: '1\n' },
            { type: 'image', url: 'https://api.openai.com/v1/containers/c/files/cfile_1/content' },
          ],
        },
        {
          type: 'message',
          deltas: ['See', ' a.md'],
          annotations: [
            { after: 2, annotation: { type: 'file_citation', file_id: 'f', filename: 'a.md', index: 8 } },
          ],
        },
      ],
    }
    upstream.enqueue(
      hosted,
      functionCallsTurn([{ name: 'get_time', arguments: '{}' }], { text: 'One moment.' }),
      textTurn('Noon.'),
      { ...textTurn('cut short'), end: 'incomplete' },
      { ...textTurn('no'), end: 'failed', error: { code: 'server_error', message: 'boom' } },
      { ...textTurn('no'), end: 'error', error: { code: 'server_error', message: 'boom' } },
    )
    const { body: thread } = await harness.call('POST', '/threads', {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
          attachments: [
            { file_id: 'file-b', tools: [{ type: 'file_search' }, { type: 'code_interpreter' }] },
          ],
        },
      ],
    })
    const started = async (extra: Record<string, unknown> = {}) => {
      const { body: run } = await harness.call('POST', `/threads/${thread.id}/runs`, {
        assistant_id: assistant.id,
        metadata: { k: 'v' },
        max_completion_tokens: 500,
        ...extra,
      })
      return harness.settle(thread.id, run.id)
    }
    expect((await started({ tool_choice: { type: 'file_search' } })).status).toBe('completed')
    const waiting = await started({ tool_choice: 'required', parallel_tool_calls: false })
    const [call] = waiting.required_action.submit_tool_outputs.tool_calls
    await harness.call('POST', `/threads/${thread.id}/runs/${waiting.id}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: call.id, output: '12:00' }],
    })
    expect((await harness.settle(thread.id, waiting.id)).status).toBe('completed')
    for (const status of ['incomplete', 'failed', 'failed']) {
      expect((await started()).status).toBe(status)
    }

    const createResponse = schema('CreateResponse')
    expect(upstream.requests).toHaveLength(6)
    for (const request of upstream.requests) {
      expect(request.rejected).toBeNull()
      expect(createResponse(request.body), JSON.stringify(createResponse.errors?.slice(0, 5))).toBe(true)
    }
    // The union's members (the Realtime API has events of the same names: not these).
    const members = (schemas.ResponseStreamEvent as { anyOf: { $ref: string }[] }).anyOf.map(
      (member) => member.$ref.split('/').pop()!,
    )
    const union = schema('ResponseStreamEvent')
    const types = new Set<string>()
    for (const event of streamed) {
      const member = members.find((name) => schemas[name]!.properties!.type!.enum![0] === event.type)
      expect(member, String(event.type)).toBeDefined()
      const validate = schema(member!)
      expect(validate(event), `${String(event.type)}: ${JSON.stringify(validate.errors?.slice(0, 5))}`).toBe(
        true,
      )
      expect(union(event), String(event.type)).toBe(true)
      types.add(event.type as string)
    }
    expect(types.size).toBeGreaterThan(20)
  },
)
