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

async function* script(context: ModelContext): AsyncGenerator<ModelOutput> {
  const { run, toolOutputs } = context
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
    const results = searchResults(argument)
    yield { type: 'file_search', results }
    yield* text(`Here is what the files say about ${argument}.`)
    yield {
      type: 'text',
      text: '【4:0†notes.md】',
      annotation: { type: 'file_citation', file_id: results[0]!.file_id },
    }
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
 * - `/search QUERY` → a file-search step, then a reply with a `file_citation` annotation;
 * - `/fail CODE` → the run fails with that `last_error.code`;
 * - `/long N` → a reply of N tokens.
 */
export const scriptedModel: RunModel = (context) => script(context)
