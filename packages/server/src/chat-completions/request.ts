// Request building: one turn of a run (instructions, messages, history, tools and settings) as a Chat Completions body.
import type { ModelContext, ModelTurn } from '../model.ts'
import type { FileSearchResult, MessageObject, Tool } from '../types.ts'
import type { ChatContentPart, ChatMessage, ChatToolCall, HostedTools } from './types.ts'

const hostedToolParameters = {
  code_interpreter: {
    description: 'Runs Python code and returns its output (stdout, stderr).',
    parameters: {
      type: 'object',
      properties: { code: { type: 'string', description: 'The Python code to run.' } },
      required: ['code'],
    },
  },
  file_search: {
    description: "Searches the user's uploaded files and returns the passages that match the query.",
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to search for.' } },
      required: ['query'],
    },
  },
} as const

export type HostedName = keyof typeof hostedToolParameters
export const isHosted = (name: string): name is HostedName =>
  name === 'code_interpreter' || name === 'file_search'

function textOf(message: MessageObject): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : part.type === 'refusal' ? part.refusal : ''))
    .join('\n')
}

/** A thread message as a chat message: user parts keep their images (URLs); assistant messages are text. */
function chatMessage(message: MessageObject): ChatMessage {
  if (message.role === 'assistant') {
    return { role: 'assistant', content: textOf(message) }
  }
  const parts: ChatContentPart[] = []
  for (const part of message.content) {
    if (part.type === 'text') {
      parts.push({ type: 'text', text: part.text.value })
    } else if (part.type === 'image_url') {
      parts.push({
        type: 'image_url',
        image_url: {
          url: part.image_url.url,
          ...(part.image_url.detail ? { detail: part.image_url.detail } : {}),
        },
      })
    } else if (part.type === 'image_file') {
      // Files are not served by this server; say so rather than drop the part silently.
      parts.push({ type: 'text', text: `[image file ${part.image_file.file_id}]` })
    }
  }
  const onlyText = parts.every((part) => part.type === 'text')
  return {
    role: 'user',
    content: onlyText ? parts.map((part) => (part as { text: string }).text).join('\n') : parts,
  }
}

/** The history of the run (earlier turns) as chat messages: assistant text, tool calls and tool results. */
function historyMessages(history: ModelTurn[]): ChatMessage[] {
  const messages: ChatMessage[] = []
  const call = (id: string, name: string, args: string): ChatToolCall => ({
    id,
    type: 'function',
    function: { name, arguments: args },
  })
  for (const turn of history) {
    if (turn.type === 'text') {
      messages.push({ role: 'assistant', content: turn.text })
    } else if (turn.type === 'function_calls') {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: turn.calls.map((item) => call(item.tool_call_id, item.name, item.arguments)),
      })
      for (const item of turn.calls) {
        messages.push({ role: 'tool', tool_call_id: item.tool_call_id, content: item.output })
      }
    } else if (turn.type === 'code_interpreter') {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [call(turn.id, 'code_interpreter', JSON.stringify({ code: turn.input }))],
      })
      messages.push({ role: 'tool', tool_call_id: turn.id, content: turn.logs })
    } else {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [call(turn.id, 'file_search', '{}')],
      })
      messages.push({ role: 'tool', tool_call_id: turn.id, content: searchResultsText(turn.results) })
    }
  }
  return messages
}

/** File-search results as the tool message the model reads. */
export function searchResultsText(results: FileSearchResult[]): string {
  return JSON.stringify(
    results.map((result) => ({
      file_id: result.file_id,
      file_name: result.file_name,
      score: result.score,
      text: result.content?.map((part) => part.text).join('\n') ?? '',
    })),
  )
}

/** The hosted tools a run asks for that no implementation was plugged in for. */
export function missingHostedTools(tools: Tool[], hosted: HostedTools): HostedName[] {
  const missing = new Set<HostedName>()
  for (const tool of tools) {
    if ((tool.type === 'code_interpreter' || tool.type === 'file_search') && !hosted[tool.type]) {
      missing.add(tool.type)
    }
  }
  return [...missing]
}

/** Turns the run's `tool_choice` into the Chat Completions one (`undefined`: leave it out). */
function chatToolChoice(choice: unknown, hosted: HostedTools): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    return choice
  }
  if (choice && typeof choice === 'object') {
    const typed = choice as { type?: string; function?: { name?: string } }
    if (typed.type === 'function' && typed.function?.name) {
      return { type: 'function', function: { name: typed.function.name } }
    }
    if ((typed.type === 'code_interpreter' || typed.type === 'file_search') && hosted[typed.type]) {
      return { type: 'function', function: { name: typed.type } }
    }
  }
  return undefined
}

/** Builds the Chat Completions request body of one turn of a run. */
export function buildChatRequest(
  context: ModelContext,
  upstreamModel: string,
  hosted: HostedTools = {},
  extraHistory: ChatMessage[] = [],
): Record<string, unknown> {
  const { run } = context
  const messages: ChatMessage[] = []
  if (run.instructions.trim() !== '') {
    // `run.instructions` already holds the assistant's (or the run's) instructions + `additional_instructions`.
    messages.push({ role: 'system', content: run.instructions })
  }
  for (const message of context.messages) {
    if (message.run_id !== run.id) {
      messages.push(chatMessage(message))
    }
  }
  messages.push(...historyMessages(context.history), ...extraHistory)

  const tools: unknown[] = []
  for (const tool of run.tools) {
    if (tool.type === 'function') {
      const { name, description, parameters, strict } = tool.function
      tools.push({
        type: 'function',
        function: {
          name,
          ...(description !== undefined ? { description } : {}),
          ...(parameters !== undefined ? { parameters } : {}),
          ...(strict !== undefined && strict !== null ? { strict } : {}),
        },
      })
    } else if (hosted[tool.type]) {
      tools.push({ type: 'function', function: { name: tool.type, ...hostedToolParameters[tool.type] } })
    }
  }
  const body: Record<string, unknown> = {
    model: upstreamModel,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  }
  if (tools.length > 0) {
    body.tools = tools
    const choice = chatToolChoice(run.tool_choice, hosted)
    if (choice !== undefined) {
      body.tool_choice = choice
    }
    body.parallel_tool_calls = run.parallel_tool_calls
  }
  const format = run.response_format as { type?: string } | string | null
  if (format && typeof format === 'object' && format.type) {
    body.response_format = format
  }
  if (run.temperature !== null) {
    body.temperature = run.temperature
  }
  if (run.top_p !== null) {
    body.top_p = run.top_p
  }
  if (run.max_completion_tokens !== null) {
    // The limit is for the whole run, across turns: ask for what is left of it.
    const used = run.usage?.completion_tokens ?? 0
    body.max_completion_tokens = Math.max(1, run.max_completion_tokens - used)
  }
  return body
}
