// Contract checks for every server test: validates what the server *sends* (JSON bodies and SSE frames)
// against packages/server/spec/runs-api.schema.json (extracted from OpenAI's OpenAPI spec by
// scripts/extract-spec.mjs). Requests are not validated here. Formats (`unixtime`, `uri`) are ignored.
import { readFileSync } from 'node:fs'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020'
import Ajv2020 from 'ajv/dist/2020'

/** One contract failure found in a response (a JSON body, one SSE frame, or the stream as a whole). */
export type Violation = {
  operationId: string
  method: string
  url: string
  status: number
  event?: string
  errors: string[]
}

/** A fetch-compatible function that records the contract violations of the responses it returns. */
export type ContractFetch = ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) & {
  violations: Violation[]
}

/** Options of {@link withContractChecks} and {@link wrapNodeFetch}. */
export type ContractCheckOptions = {
  /** Called for each violation, after it is recorded; throw from it to fail at the point of the violation. */
  onViolation?: (v: Violation) => void
}

type SchemaNode = { [key: string]: unknown }
type SpecOperation = {
  method: string
  path: string
  requestBody: SchemaNode | null
  response: SchemaNode | null
  query: { name: string; schema: unknown }[]
}
type Spec = { operations: Record<string, SpecOperation>; $defs: Record<string, SchemaNode> }
type Route = { operationId: string; method: string; segments: string[] }

const SPEC_URL = new URL('../../packages/server/spec/runs-api.schema.json', import.meta.url)
const SCHEMA_ID = 'https://oai-runs.test/runs-api.schema.json'

let loaded: { spec: Spec; ajv: Ajv2020; routes: Route[]; events: Map<string, string> } | undefined
const validators = new Map<string, ValidateFunction>()

function load() {
  if (!loaded) {
    const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as Spec
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
    ajv.addSchema({ ...spec, $id: SCHEMA_ID })
    const routes = Object.entries(spec.operations).map(([operationId, op]) => ({
      operationId,
      method: op.method.toUpperCase(),
      segments: op.path.split('/').filter(Boolean),
    }))
    loaded = { spec, ajv, routes, events: collectEventPointers(spec) }
  }
  return loaded
}

/** Maps each event name to the JSON pointer of the `{event, data}` member of AssistantStreamEvent that has it. */
function collectEventPointers(spec: Spec): Map<string, string> {
  const events = new Map<string, string>()
  const visit = (node: unknown, pointer: string): void => {
    if (!node || typeof node !== 'object') {
      return
    }
    const schema = node as SchemaNode
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/$defs/', '')
      visit(spec.$defs[name], `/$defs/${escapePointer(name)}`)
      return
    }
    if (Array.isArray(schema.oneOf)) {
      for (const [i, member] of schema.oneOf.entries()) {
        visit(member, `${pointer}/oneOf/${i}`)
      }
      return
    }
    const event = (schema.properties as { event?: { enum?: unknown } } | undefined)?.event
    if (Array.isArray(event?.enum)) {
      for (const name of event.enum) {
        events.set(String(name), pointer)
      }
    }
  }
  visit(spec.$defs.AssistantStreamEvent, '/$defs/AssistantStreamEvent')
  return events
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1')
}

function validatorAt(pointer: string): ValidateFunction {
  let validate = validators.get(pointer)
  if (!validate) {
    validate = load().ajv.compile({ $ref: `${SCHEMA_ID}#${pointer}` })
    validators.set(pointer, validate)
  }
  return validate
}

function formatError(e: ErrorObject): string {
  const where = e.instancePath || '(root)'
  const params = e.params as Record<string, unknown>
  let detail = ''
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    detail = `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
  } else if (e.keyword === 'const') {
    detail = `: ${JSON.stringify(params.allowedValue)}`
  } else if (e.keyword === 'additionalProperties') {
    detail = `: '${String(params.additionalProperty)}'`
  }
  return `${where} ${e.message ?? e.keyword}${detail}`
}

function runValidator(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) {
    return []
  }
  return [...new Set((validate.errors ?? []).map(formatError))]
}

/** Finds the spec operation for a method and URL (absolute or path-only, with or without the `/v1` base path). */
export function matchOperation(
  method: string,
  url: string,
): { operationId: string; params: Record<string, string> } | null {
  let pathname = new URL(url, 'http://localhost').pathname
  if (pathname === '/v1' || pathname.startsWith('/v1/')) {
    pathname = pathname.slice(3)
  }
  const segments = pathname.split('/').filter(Boolean)
  const upper = method.toUpperCase()
  let best: { route: Route; literals: boolean[] } | undefined
  for (const route of load().routes) {
    if (route.method !== upper || route.segments.length !== segments.length) {
      continue
    }
    const literals = route.segments.map((s) => !s.startsWith('{'))
    if (!route.segments.every((s, i) => !literals[i] || s === segments[i])) {
      continue
    }
    // Literal segments beat parameters, position by position (`/threads/runs` over `/threads/{thread_id}`).
    const better = best?.literals.findIndex((lit, i) => lit !== literals[i])
    if (!best || (better !== undefined && better >= 0 && literals[better])) {
      best = { route, literals }
    }
  }
  if (!best) {
    return null
  }
  const params: Record<string, string> = {}
  best.route.segments.forEach((s, i) => {
    if (s.startsWith('{')) {
      params[s.slice(1, -1)] = decodeURIComponent(segments[i] ?? '')
    }
  })
  return { operationId: best.route.operationId, params }
}

/** Validates a JSON response body: status 200 against the operation's response schema, any other against ErrorResponse. */
export function validateResponseBody(operationId: string, status: number, body: unknown): string[] {
  const op = load().spec.operations[operationId]
  if (!op) {
    return [`unknown operationId '${operationId}'`]
  }
  if (status !== 200) {
    return runValidator(validatorAt('/$defs/ErrorResponse'), body)
  }
  if (!op.response) {
    return [`operation '${operationId}' declares no JSON body for status 200`]
  }
  return runValidator(
    validatorAt(`/operations/${escapePointer(operationId)}/response`),
    emptyListIdsAsStrings(body),
  )
}

/**
 * The one spec/wire disagreement we accept: an empty list page carries `first_id: null` and `last_id: null` on the
 * wire (the hosted API did; see tjardoo/openai-client#59), while the spec types both as strings. Only that exact
 * case is let through: nulls on a non-empty page still fail.
 */
function emptyListIdsAsStrings(body: unknown): unknown {
  const page = body as { object?: unknown; data?: unknown; first_id?: unknown; last_id?: unknown } | null
  if (page?.object === 'list' && Array.isArray(page.data) && page.data.length === 0) {
    return { ...page, first_id: page.first_id ?? '', last_id: page.last_id ?? '' }
  }
  return body
}

/** Validates one SSE event (`done` carries the string `[DONE]`) against the matching AssistantStreamEvent member. */
export function validateStreamEvent(event: string, data: unknown): string[] {
  const pointer = load().events.get(event)
  if (!pointer) {
    return [`unknown event '${event}' (not in AssistantStreamEvent)`]
  }
  return runValidator(validatorAt(pointer), { event, data })
}

type Frame = { event: string | undefined; data: string | undefined }

/** Minimal SSE parser (WHATWG rules): LF, CR or CRLF line ends split anywhere across chunks; comments skipped. */
class SseFrameParser {
  private readonly decoder = new TextDecoder()
  private buffer = ''
  private event: string | undefined
  private data: string[] = []

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Uint8Array): void {
    this.scan(this.decoder.decode(chunk, { stream: true }), false)
  }

  /** Flushes the decoder; returns true when the stream stopped in the middle of a frame. */
  end(): boolean {
    this.scan(this.decoder.decode(), true)
    const incomplete = this.buffer !== '' || this.event !== undefined || this.data.length > 0
    this.buffer = ''
    return incomplete
  }

  private scan(text: string, final: boolean): void {
    const buf = this.buffer + text
    let start = 0
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]
      if (c !== '\n' && c !== '\r') {
        continue
      }
      if (c === '\r' && i === buf.length - 1 && !final) {
        break // might be the first half of a CRLF split across chunks
      }
      const line = buf.slice(start, i)
      if (c === '\r' && buf[i + 1] === '\n') {
        i++
      }
      start = i + 1
      this.line(line)
    }
    this.buffer = buf.slice(start)
  }

  private line(line: string): void {
    if (line === '') {
      if (this.event !== undefined || this.data.length > 0) {
        this.onFrame({ event: this.event, data: this.data.length > 0 ? this.data.join('\n') : undefined })
      }
      this.event = undefined
      this.data = []
      return
    }
    if (line.startsWith(':')) {
      return
    }
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) {
      value = value.slice(1)
    }
    if (field === 'event') {
      this.event = value
    } else if (field === 'data') {
      this.data.push(value)
    }
  }
}

function frameErrors(frame: Frame): string[] {
  const event = frame.event ?? 'message'
  if (frame.data === undefined) {
    return [`frame has no data line (SSE consumers drop it)`]
  }
  if (event === 'done') {
    return validateStreamEvent(event, frame.data)
  }
  let data: unknown
  try {
    data = JSON.parse(frame.data)
  } catch (e) {
    return [`data is not valid JSON (${(e as Error).message}): ${frame.data.slice(0, 200)}`]
  }
  return validateStreamEvent(event, data)
}

/** Passes the SSE body through unchanged while validating each frame as the consumer reads it. */
function checkEventStream(
  body: ReadableStream<Uint8Array>,
  report: (errors: string[], event?: string) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  let sawDone = false
  const parser = new SseFrameParser((frame) => {
    const event = frame.event ?? 'message'
    const errors = frameErrors(frame)
    if (sawDone) {
      errors.unshift('frame after `done`')
    }
    if (event === 'done') {
      sawDone = true
    }
    if (errors.length > 0) {
      report(errors, event)
    }
  })
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read()
        try {
          if (done) {
            if (parser.end()) {
              report(['stream ended mid-frame (no blank line after the last frame)'])
            }
            if (!sawDone) {
              report(['stream ended without `event: done`'])
            }
            controller.close()
            return
          }
          controller.enqueue(value)
          parser.push(value)
        } catch (e) {
          await reader.cancel(e).catch(() => {})
          throw e
        }
      },
      cancel(reason) {
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

/** Wraps a `(Request) => Promise<Response>` handler as a fetch that validates every response of a known operation. */
export function withContractChecks(
  fetchLike: (req: Request) => Promise<Response>,
  options: ContractCheckOptions = {},
): ContractFetch {
  const violations: Violation[] = []
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const match = matchOperation(request.method, request.url)
    const response = await fetchLike(request)
    if (!match) {
      return response
    }
    const report = (errors: string[], event?: string) => {
      const v: Violation = {
        operationId: match.operationId,
        method: request.method,
        url: request.url,
        status: response.status,
        ...(event === undefined ? {} : { event }),
        errors,
      }
      violations.push(v)
      options.onViolation?.(v)
    }
    const type = (response.headers.get('content-type') ?? '').toLowerCase()
    if (type.startsWith('text/event-stream')) {
      if (response.status !== 200) {
        report([`text/event-stream response with status ${response.status}`])
      }
      if (!response.body) {
        report(['text/event-stream response without a body'])
        return response
      }
      const checked = new Response(checkEventStream(response.body, report), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      })
      Object.defineProperty(checked, 'url', { value: response.url })
      return checked
    }
    if (!/^application\/([\w.+-]+\+)?json\b/.test(type)) {
      report([`expected a JSON or event-stream response, got content-type '${type}'`])
      return response
    }
    const text = await response.clone().text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (e) {
      report([`body is not valid JSON (${(e as Error).message}): ${text.slice(0, 200)}`])
      return response
    }
    const errors = validateResponseBody(match.operationId, response.status, body)
    if (errors.length > 0) {
      report(errors)
    }
    return response
  }
  return Object.assign(wrapped, { violations })
}

/** Like {@link withContractChecks}, over real HTTP: the inner function is `baseFetch` (default `globalThis.fetch`). */
export function wrapNodeFetch(
  baseFetch: typeof globalThis.fetch = globalThis.fetch,
  options: ContractCheckOptions = {},
): ContractFetch {
  return withContractChecks((req) => baseFetch(req), options)
}

/** Throws an Error listing the recorded violations (and empties the list), or does nothing when there are none. */
export function expectNoViolations(wrapped: { violations: Violation[] }): void {
  if (wrapped.violations.length === 0) {
    return
  }
  const found = wrapped.violations.splice(0)
  const lines = found.map(
    (v) =>
      `- ${v.method} ${v.url} → ${v.status} (${v.operationId}${v.event ? `, event ${v.event}` : ''}):\n` +
      v.errors.map((e) => `    ${e}`).join('\n'),
  )
  throw new Error(`${found.length} contract violation(s):\n${lines.join('\n')}`)
}
