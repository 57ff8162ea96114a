// Owns the default model: deterministic replies scripted by the last user message (commands listed below).
import type { ModelContext, ModelOutput, RunModel } from './model.ts'
import type { FileSearchResult, MessageObject, RunErrorCode } from './types.ts'

const failCodes: RunErrorCode[] = ['server_error', 'rate_limit_exceeded', 'invalid_prompt']
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett']

/** Splits text into the tokens a scripted reply streams: each word with the space before it. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? []
}

function messageText(message: MessageObject | undefined): string {
  if (!message) {
    return ''
  }
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : ''))
    .join('\n')
    .trim()
}

function* text(value: string): Generator<ModelOutput> {
  for (const token of tokenize(value)) {
    yield { type: 'text', text: token }
  }
}

function parseToolLines(lines: string[]) {
  return lines.map((line) => {
    const match = /^\/tool\s+(\S+)\s*(.*)$/.exec(line.trim())
    const name = match?.[1] ?? ''
    const args = match?.[2]?.trim() || '{}'
    return { name, arguments: args }
  })
}

/** The `server_label` of the MCP calls `/approve` asks to have approved. */
export const scriptedMcpServerLabel = 'scripted_mcp'

// `/hosted TYPE`: a lowercase identifier, never one of OpenAI's types or a key that could pollute a prototype.
const HOSTED_TYPE = /^[a-z][a-z0-9_]{0,63}$/
const RESERVED_TYPES = new Set(['function', 'code_interpreter', 'file_search', 'constructor', 'prototype'])

function hasUnsafeKey(value: unknown, depth = 0): boolean {
  if (depth > 32 || value === null || typeof value !== 'object') {
    return depth > 32
  }
  return Object.keys(value).some(
    (key) =>
      key === '__proto__' ||
      key === 'constructor' ||
      key === 'prototype' ||
      hasUnsafeKey((value as Record<string, unknown>)[key], depth + 1),
  )
}

// `/hosted TYPE {json}` → the call's details, or the reason the line is refused.
function parseHosted(argument: string): { type: string; details: Record<string, unknown> } | string {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(argument)
  const type = match?.[1] ?? ''
  if (!HOSTED_TYPE.test(type) || RESERVED_TYPES.has(type)) {
    return `'/hosted ${type}' needs a lowercase tool type other than function, code_interpreter and file_search, e.g. '/hosted bing_grounding {"requesturl":"…"}'.`
  }
  let details: unknown = {}
  try {
    details = JSON.parse(match?.[2]?.trim() || '{}')
  } catch {
    return `The details of '/hosted ${type}' are not valid JSON.`
  }
  if (details === null || typeof details !== 'object' || Array.isArray(details) || hasUnsafeKey(details)) {
    return `The details of '/hosted ${type}' must be a JSON object without __proto__, constructor or prototype keys.`
  }
  return { type, details: details as Record<string, unknown> }
}

function parseApproveLines(lines: string[]) {
  return lines.map((line) => {
    const match = /^\/approve\s+(\S+)\s*(.*)$/.exec(line.trim())
    return {
      name: match?.[1] ?? '',
      arguments: match?.[2]?.trim() || '{}',
      server_label: scriptedMcpServerLabel,
    }
  })
}

function searchResults(query: string): FileSearchResult[] {
  let hash = 0
  for (const char of query) {
    hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0
  }
  const suffix = hash.toString(36).padStart(6, '0').slice(0, 6)
  return [
    {
      file_id: `file-notes${suffix}`,
      file_name: 'notes.md',
      score: 0.92,
      content: [{ type: 'text', text: `Notes on ${query}: the first thing to know about ${query}.` }],
    },
    {
      file_id: `file-faq${suffix}`,
      file_name: 'faq.md',
      score: 0.71,
      content: [{ type: 'text', text: `FAQ: questions people ask about ${query}.` }],
    },
  ]
}

/** Options of {@link createScriptedModel}. */
export interface ScriptedModelOptions {
  /**
   * Searches the run's files for `/search QUERY`; undefined means "no files to search", and the model invents two
   * results (notes.md, faq.md) as it does without this option.
   */
  searchFiles?: (query: string, context: ModelContext) => FileSearchResult[] | undefined
}

async function* script(context: ModelContext, options: ScriptedModelOptions): AsyncGenerator<ModelOutput> {
  const { run, toolOutputs, toolApprovals = [] } = context
  if (toolApprovals.length > 0) {
    const said = toolApprovals.map((item) => `${item.name} ${item.approve ? 'approved' : 'rejected'}`)
    yield* text(`Tool approvals: ${said.join('; ')}.`)
    return
  }
  if (toolOutputs.length > 0) {
    const quoted = toolOutputs.map((output) => `${output.name} returned ${JSON.stringify(output.output)}`)
    yield* text(`Tool results: ${quoted.join('; ')}.`)
    return
  }
  const last = [...context.messages].reverse().find((message) => message.role === 'user')
  const input = messageText(last)
  const commandsAllowed = run.tool_choice !== 'none'

  const toolLines = input.split('\n').filter((line) => line.trim().startsWith('/tool '))
  if (commandsAllowed && toolLines.length > 0) {
    let calls = parseToolLines(toolLines)
    if (!run.parallel_tool_calls) {
      calls = calls.slice(0, 1)
    }
    const known = new Set(run.tools.flatMap((tool) => (tool.type === 'function' ? [tool.function.name] : [])))
    const unknown = calls.find((call) => !known.has(call.name))
    if (unknown) {
      yield {
        type: 'error',
        code: 'invalid_prompt',
        message: `The run has no function tool named '${unknown.name}'. Add it to the assistant's or the run's tools.`,
      }
      return
    }
    yield { type: 'function_calls', calls }
    return
  }

  const approveLines = input.split('\n').filter((line) => line.trim().startsWith('/approve '))
  if (commandsAllowed && approveLines.length > 0) {
    let calls = parseApproveLines(approveLines)
    if (!run.parallel_tool_calls) {
      calls = calls.slice(0, 1)
    }
    yield { type: 'approval_required', calls }
    return
  }

  const [command = '', ...rest] = input.split(/\s+/)
  const argument = input.slice(command.length).trim()
  if (commandsAllowed && command === '/code') {
    yield {
      type: 'code_interpreter',
      input: argument,
      logs: `>>> ${argument.split('\n').join('\n... ')}\nok`,
    }
    yield* text(`I ran your code (${argument.split('\n').length} line(s)); the logs say ok.`)
    return
  }
  if (commandsAllowed && command === '/search') {
    const results = options.searchFiles?.(argument, context) ?? searchResults(argument)
    yield { type: 'file_search', results }
    const [best] = results
    if (!best) {
      yield* text(`The files say nothing about ${argument}.`)
      return
    }
    yield* text(`Here is what the files say about ${argument}.`)
    yield {
      type: 'text',
      text: `【4:0†${best.file_name}】`,
      annotation: { type: 'file_citation', file_id: best.file_id },
    }
    return
  }
  if (commandsAllowed && command === '/hosted') {
    const hosted = parseHosted(argument)
    if (typeof hosted === 'string') {
      yield { type: 'error', code: 'invalid_prompt', message: hosted }
      return
    }
    yield { type: 'hosted_tool_call', call_type: hosted.type, details: hosted.details }
    yield* text(`The ${hosted.type} tool ran on its host.`)
    return
  }
  if (command === '/fail') {
    const code = failCodes.find((candidate) => candidate === rest[0]) ?? 'server_error'
    yield { type: 'error', code, message: `The scripted model failed the run with ${code}, as asked.` }
    return
  }
  if (command === '/long') {
    const count = Math.max(0, Math.min(Number.parseInt(rest[0] ?? '', 10) || 0, 100_000))
    for (let index = 0; index < count; index++) {
      yield { type: 'text', text: `${index === 0 ? '' : ' '}${words[index % words.length]}` }
    }
    return
  }
  yield* text(input === '' ? 'Hello! Send me a message.' : `You said: "${input}"`)
}

/**
 * The default model: deterministic, scripted by the last user message.
 * - plain text → a reply quoting it, token by token;
 * - `/tool NAME {json}` lines → function calls (`requires_action`); after the outputs, a reply quoting them;
 * - `/code SOURCE` → a code-interpreter step, then a reply;
 * - `/search QUERY` → a file-search step, then a reply with a `file_citation` annotation (of the best result of
 *   the run's vector stores when the server has them; of an invented `notes.md` otherwise);
 * - `/approve NAME {json}` lines → hosted MCP calls awaiting approval (`submit_tool_approval`); after the
 *   `tool_approvals`, a reply naming each decision;
 * - `/hosted TYPE {json}` → a tool_calls step with a call of another host's type (`{ id, type, [TYPE]: json }`);
 * - `/fail CODE` → the run fails with that `last_error.code`;
 * - `/long N` → a reply of N tokens.
 */
export const scriptedModel: RunModel = (context) => script(context, {})

/**
 * The scripted model with options: `searchFiles` makes `/search` search real files (createRunsServer passes its
 * local vector stores when it uses the scripted model).
 */
export function createScriptedModel(options: ScriptedModelOptions = {}): RunModel {
  return (context) => script(context, options)
}
