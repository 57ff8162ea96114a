// Owns the event writer: a scripted turn as the spec's ResponseStreamEvent members (from `response.created` to its
// end, with `sequence_number`), and OpenAI's error body.
import type { ScriptedTurn } from './types.ts'

/** An HTTP error with OpenAI's error body (`{ error: { message, type, param, code } }`). */
export function errorResponse(
  status: number,
  message: string,
  type: string,
  param: string | null,
  code: string | null,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify({ error: { message, type, param, code } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

/** The events of a scripted response (without `sequence_number`), from `response.created` to its end. */
export function responseEvents(
  turn: ScriptedTurn & { kind: 'response' },
  body: Record<string, unknown>,
  id: string,
  number: () => number,
) {
  const include = new Set((body.include as string[] | undefined) ?? [])
  const events: Record<string, unknown>[] = []
  const done: Record<string, unknown>[] = []
  const created = Math.floor(Date.now() / 1000)
  const response = (status: string, output: unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    object: 'response',
    created_at: created,
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    metadata: body.metadata ?? {},
    ...extra,
  })
  events.push({ type: 'response.created', response: response('in_progress', []) })
  events.push({ type: 'response.in_progress', response: response('in_progress', []) })
  const split = turn.split ?? 5
  const incomplete = turn.end === 'incomplete'
  const calls: { index: number; item: Record<string, unknown>; pieces: string[] }[] = []
  let completion = 0
  for (const [index, scripted] of turn.output.entries()) {
    const output_index = index
    if (scripted.type === 'message') {
      const item_id = `msg_${id}_${index}`
      const base = { item_id, output_index, content_index: 0 }
      events.push({
        type: 'response.output_item.added',
        output_index,
        item: { id: item_id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
      })
      events.push({
        type: 'response.content_part.added',
        ...base,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      })
      const annotations: Record<string, unknown>[] = []
      const annotate = (after: number) => {
        for (const { annotation } of (scripted.annotations ?? []).filter((entry) => entry.after === after)) {
          events.push({
            type: 'response.output_text.annotation.added',
            ...base,
            annotation_index: annotations.length,
            annotation,
          })
          annotations.push(annotation)
        }
      }
      annotate(0)
      scripted.deltas.forEach((delta, at) => {
        events.push({ type: 'response.output_text.delta', ...base, delta, logprobs: [] })
        annotate(at + 1)
      })
      completion += scripted.deltas.length
      const text = scripted.deltas.join('')
      const part = { type: 'output_text', text, annotations, logprobs: [] }
      events.push({ type: 'response.output_text.done', ...base, text, logprobs: [] })
      events.push({ type: 'response.content_part.done', ...base, part })
      const item = {
        id: item_id,
        type: 'message',
        status: incomplete ? 'incomplete' : 'completed',
        role: 'assistant',
        content: [part],
      }
      events.push({ type: 'response.output_item.done', output_index, item })
      done.push(item)
    } else if (scripted.type === 'function_call') {
      const item = {
        id: `fc_${id}_${index}`,
        type: 'function_call',
        status: 'in_progress',
        call_id: scripted.call_id ?? `call_${id}_${index}`,
        name: scripted.name,
        arguments: '',
      }
      const pieces = scripted.arguments.match(new RegExp(`[\\s\\S]{1,${split}}`, 'g')) ?? []
      completion += pieces.length + 1
      calls.push({ index, item, pieces })
      if (!turn.interleave) {
        events.push(...callEvents(item, index, pieces, 'all'))
        done.push({ ...item, status: 'completed', arguments: scripted.arguments })
      }
    } else if (scripted.type === 'file_search_call') {
      const item_id = `fs_${id}_${index}`
      const base = { output_index, item_id }
      events.push({
        type: 'response.output_item.added',
        output_index,
        item: { id: item_id, type: 'file_search_call', status: 'in_progress', queries: [], results: null },
      })
      events.push(
        { type: 'response.file_search_call.in_progress', ...base },
        { type: 'response.file_search_call.searching', ...base },
        { type: 'response.file_search_call.completed', ...base },
      )
      const item = {
        id: item_id,
        type: 'file_search_call',
        status: 'completed',
        queries: scripted.queries,
        results: include.has('file_search_call.results') ? scripted.results : null,
      }
      events.push({ type: 'response.output_item.done', output_index, item })
      done.push(item)
    } else {
      const item_id = `ci_${id}_${index}`
      const base = { output_index, item_id }
      const container_id = scripted.container_id ?? `cntr_${id}`
      events.push({
        type: 'response.output_item.added',
        output_index,
        item: {
          id: item_id,
          type: 'code_interpreter_call',
          status: 'in_progress',
          container_id,
          code: '',
          outputs: null,
        },
      })
      events.push({ type: 'response.code_interpreter_call.in_progress', ...base })
      for (const delta of scripted.code) {
        events.push({ type: 'response.code_interpreter_call_code.delta', ...base, delta })
      }
      const code = scripted.code.join('')
      completion += scripted.code.length
      events.push({ type: 'response.code_interpreter_call_code.done', ...base, code })
      events.push(
        { type: 'response.code_interpreter_call.interpreting', ...base },
        { type: 'response.code_interpreter_call.completed', ...base },
      )
      const item = {
        id: item_id,
        type: 'code_interpreter_call',
        status: 'completed',
        container_id,
        code,
        outputs: include.has('code_interpreter_call.outputs') ? scripted.outputs : null,
      }
      events.push({ type: 'response.output_item.done', output_index, item })
      done.push(item)
    }
  }
  if (turn.interleave) {
    for (const call of calls) {
      events.push(...callEvents(call.item, call.index, [], 'added'))
    }
    const longest = Math.max(0, ...calls.map((call) => call.pieces.length))
    for (let at = 0; at < longest; at++) {
      for (const call of calls) {
        if (call.pieces[at] !== undefined) {
          events.push({
            type: 'response.function_call_arguments.delta',
            item_id: call.item.id,
            output_index: call.index,
            delta: call.pieces[at],
          })
        }
      }
    }
    for (const call of calls) {
      events.push(...callEvents(call.item, call.index, call.pieces, 'done'))
      done.push({ ...call.item, status: 'completed', arguments: call.pieces.join('') })
    }
  }
  const inputTokens = turn.usage?.input_tokens ?? 10
  const outputTokens = turn.usage?.output_tokens ?? completion
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  }
  const itemEvents = events.length
  if (turn.end === 'failed') {
    events.push({
      type: 'response.failed',
      response: response('failed', done, {
        error: turn.error ?? { code: 'server_error', message: 'The model failed.' },
        usage,
      }),
    })
  } else if (turn.end === 'error') {
    const error = turn.error ?? {
      code: 'server_error',
      message: 'An error occurred while processing your request.',
    }
    events.push({ type: 'error', code: error.code, message: error.message, param: null })
  } else if (incomplete) {
    events.push({
      type: 'response.incomplete',
      response: response('incomplete', done, { incomplete_details: { reason: 'max_output_tokens' }, usage }),
    })
  } else {
    events.push({
      type: 'response.completed',
      response: response('completed', done, { completed_at: created, usage }),
    })
  }
  if (turn.end === 'cut' || turn.end === 'hang') {
    events.splice(turn.after ?? itemEvents)
  }
  return events.map((event): Record<string, unknown> => ({ ...event, sequence_number: number() }))
}

function callEvents(
  item: Record<string, unknown>,
  output_index: number,
  pieces: string[],
  part: 'all' | 'added' | 'done',
) {
  const events: Record<string, unknown>[] = []
  const base = { item_id: item.id, output_index }
  if (part !== 'done') {
    events.push({ type: 'response.output_item.added', output_index, item })
  }
  if (part === 'all') {
    for (const delta of pieces) {
      events.push({ type: 'response.function_call_arguments.delta', ...base, delta })
    }
  }
  if (part !== 'added') {
    const args = pieces.join('')
    events.push({ type: 'response.function_call_arguments.done', ...base, name: item.name, arguments: args })
    events.push({
      type: 'response.output_item.done',
      output_index,
      item: { ...item, status: 'completed', arguments: args },
    })
  }
  return events
}
