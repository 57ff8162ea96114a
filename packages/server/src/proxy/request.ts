// What the proxy reads from a browser's request: the connection, the client's address, the body within its limit.
import type { ConnectionInfo } from '../http.ts'
import { runOverrideFields } from './routes.ts'
import type { ProxyAction, RunsProxyOptions } from './types.ts'

/** The connection info in a fetch handler's second argument, if it holds any. */
export function connectionInfo(value: unknown): ConnectionInfo | undefined {
  if (typeof value === 'object' && value !== null && 'remoteAddress' in value) {
    const { remoteAddress } = value as { remoteAddress: unknown }
    return typeof remoteAddress === 'string' ? { remoteAddress } : undefined
  }
  return undefined
}

export /** Reads a body up to `limit` bytes; `null` when it is larger (P5). */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) {
    return null
  }
  if (!request.body) {
    return new Uint8Array()
  }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      break
    }
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function normalizeAddress(address: string | undefined): string | undefined {
  const trimmed = address?.trim()
  if (!trimmed) {
    return undefined
  }
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed
}

/** The client's address: the socket's, or the one the farthest trusted forwarding hop saw. */
export function clientAddress(
  request: Request,
  connection: ConnectionInfo | undefined,
  trustProxy: boolean | number,
): string | undefined {
  const socket = normalizeAddress(connection?.remoteAddress)
  const hops = trustProxy === true ? Number.POSITIVE_INFINITY : trustProxy === false ? 0 : trustProxy
  if (hops === 0) {
    return socket
  }
  // Nearest first: the socket peer, then X-Forwarded-For from right (appended last) to left.
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => normalizeAddress(entry))
    .filter((entry): entry is string => entry !== undefined)
    .reverse()
  const chain = [socket, ...forwarded]
  return chain[Math.min(hops, chain.length - 1)] ?? socket
}

/** The body sent upstream: on run creation, the operator's `assistant_id` and no run overrides unless allowed (P3). */
export function rewriteBody(
  options: Pick<RunsProxyOptions, 'assistantId' | 'allowRunOverrides'>,
  action: ProxyAction,
  raw: Uint8Array,
): string {
  const text = new TextDecoder().decode(raw)
  if (action !== 'runs.create' && action !== 'threads.createAndRun') {
    return text
  }
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    return text // the upstream answers malformed JSON with its own 400
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return text
  }
  if (options.assistantId) {
    parsed.assistant_id = options.assistantId
  }
  if (!options.allowRunOverrides) {
    for (const field of runOverrideFields) {
      delete parsed[field]
    }
  }
  return JSON.stringify(parsed)
}
