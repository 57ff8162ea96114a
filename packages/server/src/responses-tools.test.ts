// The Responses adapter's hosted tools through the real engine: file_search results and citations, code_interpreter
// code, logs, images and file paths, as run steps and message annotations (test server, no network).
import { afterEach, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer } from '../../../test/support/server-harness.ts'
import { createResponsesModel } from './responses.ts'
import {
  createResponsesTestServer,
  interruptedTurn,
  type ResponsesTestServer,
  type ScriptedTurn,
} from './testing.ts'

type Harness = ReturnType<typeof createTestServer> & { upstream: ResponsesTestServer; assistantId: string }
const harnesses: Harness[] = []

afterEach(() => {
  for (const harness of harnesses.splice(0)) {
    harness.server.close()
    expectNoViolations(harness.fetch)
  }
})

async function setup(tools: unknown[], toolResources: Record<string, unknown>): Promise<Harness> {
  const upstream = createResponsesTestServer()
  const model = createResponsesModel({
    baseURL: 'http://responses.test/v1',
    model: 'gpt-4.1',
    fetch: upstream.fetch,
  })
  const harness = createTestServer({ model })
  const { body } = await harness.call('POST', '/assistants', {
    model: 'gpt-4o',
    tools,
    tool_resources: toolResources,
  })
  const result = { ...harness, upstream, assistantId: body.id as string }
  harnesses.push(result)
  return result
}

async function run(harness: Harness, text: string) {
  const { body: thread } = await harness.call('POST', '/threads', {
    messages: [{ role: 'user', content: text }],
  })
  const { frames } = await harness.stream(`/threads/${thread.id}/runs`, { assistant_id: harness.assistantId })
  const completed = frames.find((frame) => frame.event === 'thread.run.completed')
  expect(completed, frames.map((frame) => frame.event).join(' ')).toBeDefined()
  const runId = JSON.parse(completed!.data).id as string
  const steps = (await harness.call('GET', `/threads/${thread.id}/runs/${runId}/steps?order=asc`)).body.data
  const messages = (await harness.call('GET', `/threads/${thread.id}/messages?order=asc`)).body.data
  return { frames, threadId: thread.id as string, runId, steps, answer: messages.at(-1) }
}

const searchTurn: ScriptedTurn = {
  kind: 'response',
  output: [
    {
      type: 'file_search_call',
      queries: ['refund policy'],
      results: [
        { file_id: 'file-policy', filename: 'policy.md', score: 0.92, text: 'Refunds within 30 days.' },
        { file_id: 'file-faq', filename: 'faq.md', score: 0.71, text: 'Ask support for refunds.' },
      ],
    },
    {
      type: 'message',
      deltas: ['Refunds', ' take', ' 30', ' days.', ' Ask', ' support.'],
      annotations: [
        {
          after: 4,
          annotation: { type: 'file_citation', file_id: 'file-policy', filename: 'policy.md', index: 21 },
        },
        {
          after: 6,
          annotation: { type: 'file_citation', file_id: 'file-faq', filename: 'faq.md', index: 34 },
        },
      ],
    },
  ],
}

test('file_search: a step with the results (content with include[]), citations as annotated markers in the text', async () => {
  const harness = await setup(
    [{ type: 'file_search', file_search: { ranking_options: { ranker: 'auto', score_threshold: 0.5 } } }],
    { file_search: { vector_store_ids: ['vs_docs'] } },
  )
  harness.upstream.enqueue(searchTurn)
  const { steps, answer, threadId, runId, frames } = await run(harness, 'How do refunds work?')
  const request = harness.upstream.requests[0]!
  expect(request.rejected).toBeNull()
  expect(request.body.include).toEqual(['file_search_call.results'])

  expect(steps.map((step: { type: string }) => step.type)).toEqual(['tool_calls', 'message_creation'])
  const [call] = steps[0].step_details.tool_calls
  expect(call.type).toBe('file_search')
  expect(call.file_search.ranking_options).toEqual({ ranker: 'auto', score_threshold: 0.5 })
  // Without include[] the results come without their content, as the Assistants API sends them.
  expect(call.file_search.results).toEqual([
    { file_id: 'file-policy', file_name: 'policy.md', score: 0.92 },
    { file_id: 'file-faq', file_name: 'faq.md', score: 0.71 },
  ])
  const include = encodeURIComponent('step_details.tool_calls[*].file_search.results[*].content')
  const withContent = (
    await harness.call('GET', `/threads/${threadId}/runs/${runId}/steps?order=asc&include[]=${include}`)
  ).body.data[0].step_details.tool_calls[0].file_search.results
  expect(withContent[0].content).toEqual([{ type: 'text', text: 'Refunds within 30 days.' }])

  const text = answer.content[0].text
  expect(text.value).toBe('Refunds take 30 days.【1†policy.md】 Ask support.【2†faq.md】')
  expect(text.annotations).toEqual([
    {
      type: 'file_citation',
      text: '【1†policy.md】',
      file_citation: { file_id: 'file-policy' },
      start_index: 21,
      end_index: 34,
    },
    {
      type: 'file_citation',
      text: '【2†faq.md】',
      file_citation: { file_id: 'file-faq' },
      start_index: 47,
      end_index: 57,
    },
  ])
  const annotated = frames
    .filter((frame) => frame.event === 'thread.message.delta')
    .map((frame) => JSON.parse(frame.data).delta.content[0].text)
    .filter((delta) => delta.annotations)
  expect(annotated.map((delta) => delta.annotations[0].index)).toEqual([0, 1])
})

test('code_interpreter: a step with the streamed code, its logs and image; a container file path annotated over its link', async () => {
  const harness = await setup([{ type: 'code_interpreter' }], {
    code_interpreter: { file_ids: ['file-sales'] },
  })
  const link = 'sandbox:/mnt/data/chart.png'
  const prefix = 'Here is the chart: '
  harness.upstream.enqueue({
    kind: 'response',
    output: [
      {
        type: 'code_interpreter_call',
        code: [
          'import pandas as pd\n',
          'df = pd.read_csv("sales.csv")\n',
          'print(df.total.sum())\n',
          'df.plot()',
        ],
        outputs: [
          { type: 'logs', logs: '1234\n' },
          { type: 'image', url: 'https://api.openai.com/v1/containers/cntr_1/files/cfile_chart/content' },
        ],
        container_id: 'cntr_1',
      },
      {
        type: 'message',
        deltas: [prefix, link, '.'],
        annotations: [
          {
            after: 2,
            annotation: {
              type: 'container_file_citation',
              container_id: 'cntr_1',
              file_id: 'cfile_chart',
              filename: 'chart.png',
              start_index: prefix.length,
              end_index: prefix.length + link.length,
            },
          },
        ],
      },
    ],
  })
  const { steps, answer, frames } = await run(harness, 'Plot the sales')
  const request = harness.upstream.requests[0]!
  expect(request.rejected).toBeNull()
  expect(request.body.tools).toEqual([
    { type: 'code_interpreter', container: { type: 'auto', file_ids: ['file-sales'] } },
  ])
  expect(request.body.include).toEqual(['code_interpreter_call.outputs'])

  const [call] = steps[0].step_details.tool_calls
  expect(call.code_interpreter).toEqual({
    input: 'import pandas as pd\ndf = pd.read_csv("sales.csv")\nprint(df.total.sum())\ndf.plot()',
    outputs: [
      { type: 'logs', logs: '1234\n' },
      { type: 'image', image: { file_id: 'cfile_chart' } },
    ],
  })
  const inputDeltas = frames
    .filter((frame) => frame.event === 'thread.run.step.delta')
    .map((frame) => JSON.parse(frame.data).delta.step_details.tool_calls[0].code_interpreter?.input)
    .filter((input) => input)
  // The code streams into the step as the model writes it, one delta per upstream code delta.
  expect(inputDeltas).toEqual([
    'import pandas as pd\n',
    'df = pd.read_csv("sales.csv")\n',
    'print(df.total.sum())\n',
    'df.plot()',
  ])

  const text = answer.content[0].text
  expect(text.value).toBe(`${prefix}${link}.`)
  expect(text.annotations).toEqual([
    {
      type: 'file_path',
      text: link,
      file_path: { file_id: 'cfile_chart' },
      start_index: prefix.length,
      end_index: prefix.length + link.length,
    },
  ])
})

test('a citation before a container file path shifts the path range by its marker', async () => {
  const harness = await setup([{ type: 'file_search' }, { type: 'code_interpreter' }], {
    file_search: { vector_store_ids: ['vs_docs'] },
  })
  const link = 'sandbox:/mnt/data/out.csv'
  harness.upstream.enqueue({
    kind: 'response',
    output: [
      {
        type: 'message',
        deltas: ['Per the docs.', ' File: ', link],
        annotations: [
          {
            after: 1,
            annotation: { type: 'file_citation', file_id: 'file-doc', filename: 'doc.md', index: 13 },
          },
          {
            after: 3,
            annotation: {
              type: 'container_file_citation',
              container_id: 'cntr_1',
              file_id: 'cfile_out',
              filename: 'out.csv',
              start_index: 20,
              end_index: 20 + link.length,
            },
          },
        ],
      },
    ],
  })
  const { answer } = await run(harness, 'go')
  const text = answer.content[0].text
  expect(text.value).toBe(`Per the docs.【1†doc.md】 File: ${link}`)
  const path = text.annotations[1]
  expect(path.type).toBe('file_path')
  expect(path.text).toBe(link)
  expect(text.value.slice(path.start_index, path.end_index)).toBe(link)
})

test('a stream cut while the code streams fails the run; the code-interpreter step keeps the code so far', async () => {
  const harness = await setup([{ type: 'code_interpreter' }], {})
  // created, in_progress, item added, call in_progress, two code deltas: cut.
  harness.upstream.enqueue(
    interruptedTurn(
      {
        kind: 'response',
        output: [
          { type: 'code_interpreter_call', code: ['x = 1\n', 'y = 2\n', 'print(x + y)'], outputs: [] },
        ],
      },
      'cut',
      6,
    ),
  )
  const { body: thread } = await harness.call('POST', '/threads', {
    messages: [{ role: 'user', content: 'add' }],
  })
  const { body: started } = await harness.call('POST', `/threads/${thread.id}/runs`, {
    assistant_id: harness.assistantId,
  })
  const settled = await harness.settle(thread.id, started.id)
  expect(settled.status).toBe('failed')
  const [step] = (await harness.call('GET', `/threads/${thread.id}/runs/${started.id}/steps`)).body.data
  expect(step.status).toBe('failed')
  expect(step.step_details.tool_calls[0].code_interpreter).toEqual({ input: 'x = 1\ny = 2\n', outputs: [] })
})

test('resending after previous_response_not_found writes the hosted calls of the run as text the model reads', async () => {
  const harness = await setup(
    [
      { type: 'file_search' },
      { type: 'code_interpreter' },
      { type: 'function', function: { name: 'notify', parameters: { type: 'object', properties: {} } } },
    ],
    { file_search: { vector_store_ids: ['vs_docs'] } },
  )
  harness.upstream.enqueue({
    kind: 'response',
    output: [
      {
        type: 'file_search_call',
        queries: ['q'],
        results: [{ file_id: 'file-a', filename: 'a.md', score: 0.8, text: 'Alpha.' }],
      },
      { type: 'code_interpreter_call', code: ['print(2)'], outputs: [{ type: 'logs', logs: '2\n' }] },
      { type: 'function_call', name: 'notify', arguments: '{}' },
    ],
  })
  const { body: thread } = await harness.call('POST', '/threads', {
    messages: [{ role: 'user', content: 'go' }],
  })
  const { body: started } = await harness.call('POST', `/threads/${thread.id}/runs`, {
    assistant_id: harness.assistantId,
  })
  const waiting = await harness.settle(thread.id, started.id)
  const [call] = waiting.required_action.submit_tool_outputs.tool_calls
  harness.upstream.forget()
  await harness.call('POST', `/threads/${thread.id}/runs/${started.id}/submit_tool_outputs`, {
    tool_outputs: [{ tool_call_id: call.id, output: 'sent' }],
  })
  expect((await harness.settle(thread.id, started.id)).status).toBe('completed')
  const resent = harness.upstream.requests[2]!
  expect(resent.rejected).toBeNull()
  expect(resent.body.input).toEqual([
    { role: 'user', content: 'go' },
    {
      role: 'assistant',
      content: '[file_search results]\n[{"file_id":"file-a","filename":"a.md","score":0.8,"text":"Alpha."}]',
    },
    { role: 'assistant', content: '[code_interpreter ran]\nprint(2)\n[output]\n2\n' },
    { type: 'function_call', call_id: call.id, name: 'notify', arguments: '{}' },
    { type: 'function_call_output', call_id: call.id, output: 'sent' },
  ])
})
