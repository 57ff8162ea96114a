// Request building: one turn of a run (instructions, messages, history, tools, tool resources and settings) as a
// Responses `CreateResponse` body.
import type { ModelContext, ModelTurn } from '../model.ts'
import type { AssistantObject, MessageObject, RunObject, ThreadObject } from '../types.ts'
import type { ResponsesContentPart, ResponsesInputItem, ResponsesTool } from './types.ts'

function textOf(message: MessageObject): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : part.type === 'refusal' ? part.refusal : ''))
    .join('\n')
}

/** The `ids` list under `tool_resources[tool][key]` of an assistant or thread (anything else is ignored). */
function resourceIds(owner: AssistantObject | ThreadObject, tool: string, key: string): string[] {
  const resource = (owner.tool_resources as Record<string, unknown> | null)?.[tool]
  const ids =
    resource && typeof resource === 'object' ? (resource as Record<string, unknown>)[key] : undefined
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []
}

const unique = (ids: string[]) => [...new Set(ids)]

/** A thread message as an input item: user parts keep their images and file attachments; assistant text stays text. */
function inputMessage(message: MessageObject): ResponsesInputItem | null {
  if (message.role === 'assistant') {
    const text = textOf(message)
    return text === '' ? null : { role: 'assistant', content: text }
  }
  const parts: ResponsesContentPart[] = []
  for (const part of message.content) {
    if (part.type === 'text') {
      parts.push({ type: 'input_text', text: part.text.value })
    } else if (part.type === 'image_url') {
      parts.push({
        type: 'input_image',
        image_url: part.image_url.url,
        detail: part.image_url.detail ?? 'auto',
      })
    } else if (part.type === 'image_file') {
      parts.push({
        type: 'input_image',
        file_id: part.image_file.file_id,
        detail: part.image_file.detail ?? 'auto',
      })
    }
  }
  // A file attached for file_search is read by the model as an input file (a code_interpreter one goes to the
  // container, see containerFileIds).
  for (const attachment of message.attachments ?? []) {
    if (attachment.tools.some((tool) => tool.type === 'file_search')) {
      parts.push({ type: 'input_file', file_id: attachment.file_id })
    }
  }
  if (parts.length === 1 && parts[0]!.type === 'input_text') {
    return { role: 'user', content: parts[0]!.text }
  }
  return { role: 'user', content: parts }
}

/** The run's earlier turns as input items: assistant text, function calls with their outputs, hosted calls as text. */
export function historyItems(history: ModelTurn[]): ResponsesInputItem[] {
  const items: ResponsesInputItem[] = []
  for (const turn of history) {
    if (turn.type === 'text') {
      items.push({ role: 'assistant', content: turn.text })
    } else if (turn.type === 'function_calls') {
      for (const call of turn.calls) {
        items.push({
          type: 'function_call',
          call_id: call.tool_call_id,
          name: call.name,
          arguments: call.arguments,
        })
      }
      for (const call of turn.calls) {
        items.push({ type: 'function_call_output', call_id: call.tool_call_id, output: call.output })
      }
    } else if (turn.type === 'code_interpreter') {
      // Hosted calls cannot be replayed as items (the upstream checks their ids): the model reads what they did.
      items.push({
        role: 'assistant',
        content: `[code_interpreter ran]\n${turn.input}\n[output]\n${turn.logs}`,
      })
    } else {
      const found = turn.results.map((result) => ({
        file_id: result.file_id,
        filename: result.file_name,
        score: result.score,
        text: result.content?.map((part) => part.text).join('\n') ?? '',
      }))
      items.push({ role: 'assistant', content: `[file_search results]\n${JSON.stringify(found)}` })
    }
  }
  return items
}

/** The whole input of a turn: the thread's messages the run sees, then the run's own history. */
export function fullInput(context: ModelContext): ResponsesInputItem[] {
  const items: ResponsesInputItem[] = []
  for (const message of context.messages) {
    if (message.run_id !== context.run.id) {
      const item = inputMessage(message)
      if (item) {
        items.push(item)
      }
    }
  }
  return [...items, ...historyItems(context.history)]
}

/** The input of a continuation on `previous_response_id`: only the outputs submitted for its function calls. */
export function toolOutputInput(context: ModelContext): ResponsesInputItem[] {
  return context.toolOutputs.map((output) => ({
    type: 'function_call_output',
    call_id: output.tool_call_id,
    output: output.output,
  }))
}

/** File ids for the code-interpreter container: the assistant's, the thread's, and files attached for it. */
function containerFileIds(context: ModelContext): string[] {
  const attached = context.messages.flatMap((message) =>
    (message.attachments ?? [])
      .filter((attachment) => attachment.tools.some((tool) => tool.type === 'code_interpreter'))
      .map((attachment) => attachment.file_id),
  )
  return unique([
    ...resourceIds(context.assistant, 'code_interpreter', 'file_ids'),
    ...resourceIds(context.thread, 'code_interpreter', 'file_ids'),
    ...attached,
  ])
}

/** The run's tools as Responses tools; file_search without any vector store is left out (nothing to search). */
export function responsesTools(context: ModelContext): ResponsesTool[] {
  const tools: ResponsesTool[] = []
  for (const tool of context.run.tools) {
    if (tool.type === 'function') {
      const { name, description, parameters, strict } = tool.function
      tools.push({
        type: 'function',
        name,
        ...(description !== undefined ? { description } : {}),
        parameters: parameters ?? { type: 'object', properties: {} },
        // Assistants functions are not strict unless asked; the Responses API would default to strict.
        strict: strict ?? false,
      })
    } else if (tool.type === 'file_search') {
      const vectorStores = unique([
        ...resourceIds(context.assistant, 'file_search', 'vector_store_ids'),
        ...resourceIds(context.thread, 'file_search', 'vector_store_ids'),
      ])
      if (vectorStores.length === 0) {
        continue
      }
      const options = tool.file_search ?? {}
      const threshold = options.ranking_options?.score_threshold
      tools.push({
        type: 'file_search',
        vector_store_ids: vectorStores,
        ...(options.max_num_results !== undefined ? { max_num_results: options.max_num_results } : {}),
        // The Assistants ranker names (`default_2024_08_21`) are not Responses ones: the upstream picks (`auto`).
        ...(options.ranking_options
          ? {
              ranking_options: {
                ranker: 'auto',
                ...(threshold !== undefined ? { score_threshold: threshold } : {}),
              },
            }
          : {}),
      })
    } else {
      const fileIds = containerFileIds(context)
      tools.push({
        type: 'code_interpreter',
        container: { type: 'auto', ...(fileIds.length > 0 ? { file_ids: fileIds } : {}) },
      })
    }
  }
  return tools
}

/** The run's `tool_choice` as the Responses one (`undefined`: leave it out). */
function toolChoice(run: RunObject, tools: ResponsesTool[]): unknown {
  const choice = run.tool_choice
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    return choice
  }
  if (choice && typeof choice === 'object') {
    if (choice.type === 'function' && choice.function?.name) {
      return { type: 'function', name: choice.function.name }
    }
    if (choice.type !== 'function' && tools.some((tool) => tool.type === choice.type)) {
      return { type: choice.type }
    }
  }
  return undefined
}

/** The run's `response_format` as `text.format` (`undefined` for `auto` or none). */
function textFormat(run: RunObject): unknown {
  const format = run.response_format
  if (!format || format === 'auto') {
    return undefined
  }
  if (format.type === 'json_schema') {
    const { name, description, schema, strict } = format.json_schema
    return {
      type: 'json_schema',
      name,
      ...(description !== undefined ? { description } : {}),
      schema: schema ?? {},
      ...(strict !== undefined && strict !== null ? { strict } : {}),
    }
  }
  return { type: format.type }
}

/** Builds the CreateResponse body of one turn of a run, on `input` (see fullInput and toolOutputInput). */
export function buildResponsesRequest(
  context: ModelContext,
  upstreamModel: string,
  input: ResponsesInputItem[],
  previousResponseId?: string,
): Record<string, unknown> {
  const { run } = context
  const tools = responsesTools(context)
  const body: Record<string, unknown> = {
    model: upstreamModel,
    input,
    stream: true,
    store: true,
  }
  if (previousResponseId) {
    body.previous_response_id = previousResponseId
  }
  // `run.instructions` already holds the assistant's (or the run's) instructions + `additional_instructions`. They are
  // sent on every turn: the upstream does not carry instructions over a previous_response_id.
  if (run.instructions.trim() !== '') {
    body.instructions = run.instructions
  }
  if (tools.length > 0) {
    body.tools = tools
    const choice = toolChoice(run, tools)
    if (choice !== undefined) {
      body.tool_choice = choice
    }
    body.parallel_tool_calls = run.parallel_tool_calls
    const include = [
      // The run keeps result content in its steps and shows it when a request's include[] asks for it.
      ...(tools.some((tool) => tool.type === 'file_search') ? ['file_search_call.results'] : []),
      ...(tools.some((tool) => tool.type === 'code_interpreter') ? ['code_interpreter_call.outputs'] : []),
    ]
    if (include.length > 0) {
      body.include = include
    }
  }
  const format = textFormat(run)
  if (format !== undefined) {
    body.text = { format }
  }
  // 1 is the API's default; reasoning models refuse the parameter altogether, so the default is not sent.
  if (run.temperature !== null && run.temperature !== 1) {
    body.temperature = run.temperature
  }
  if (run.top_p !== null && run.top_p !== 1) {
    body.top_p = run.top_p
  }
  if (run.max_completion_tokens !== null) {
    // The limit is for the whole run, across turns: ask for what is left of it (the API's minimum is 16).
    const used = run.usage?.completion_tokens ?? 0
    body.max_output_tokens = Math.max(16, run.max_completion_tokens - used)
  }
  if (run.metadata && Object.keys(run.metadata).length > 0) {
    body.metadata = run.metadata
  }
  return body
}
