#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { demoAssistant } from './demo.ts'
import type { FaultRule } from './faults.ts'
import { listen } from './node.ts'
import { createRunsServer } from './server.ts'

const usage = `Usage: oai-runs-server [options]

Serves the Runs API (assistants, threads, messages, runs, run steps) on http://HOST:PORT/v1
with the deterministic scripted model, and seeds a demo assistant (asst_demo).

Options:
  --port N               port to listen on; 0 picks a free one (default 4010)
  --host HOST            interface to bind (default 127.0.0.1, loopback only)
  --token-delay-ms N     pause between streamed tokens (default 30)
  --cancel-delay-ms N    time a run spends in "cancelling" (default 300)
  --poll-after-ms N      openai-poll-after-ms header value (default 500)
  --api-key KEY          require this bearer key (repeatable; default: open)
  --require-beta         require the "OpenAI-Beta: assistants=v2" header
  --seed N               deterministic ids
  --fault JSON           a fault rule, e.g. '{"operation":"createRun","status":429,"retryAfterMs":500}' (repeatable)
  --cors ORIGIN          allow browser calls from ORIGIN ("*" for any)
  --help                 show this text`

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) {
    return fallback
  }
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < 0) {
    console.error(`--${name} must be a non-negative number, got "${value}"`)
    process.exit(2)
  }
  return parsed
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'token-delay-ms': { type: 'string' },
    'cancel-delay-ms': { type: 'string' },
    'poll-after-ms': { type: 'string' },
    'api-key': { type: 'string', multiple: true },
    'require-beta': { type: 'boolean' },
    seed: { type: 'string' },
    fault: { type: 'string', multiple: true },
    cors: { type: 'string' },
    help: { type: 'boolean' },
  },
  strict: true,
})

if (values.help) {
  console.log(usage)
  process.exit(0)
}

function parseFault(text: string): FaultRule {
  try {
    return JSON.parse(text) as FaultRule
  } catch {
    console.error(`--fault must be a JSON object, got ${text}`)
    return process.exit(2)
  }
}
const faults = (values.fault ?? []).map(parseFault)

const server = createRunsServer({
  tokenDelayMs: number(values['token-delay-ms'], 'token-delay-ms', 30),
  cancelDelayMs: number(values['cancel-delay-ms'], 'cancel-delay-ms', 300),
  pollAfterMs: number(values['poll-after-ms'], 'poll-after-ms', 500),
  ...(values['api-key'] ? { apiKeys: values['api-key'] } : {}),
  ...(values['require-beta'] ? { requireBetaHeader: true } : {}),
  ...(values.seed !== undefined ? { seed: number(values.seed, 'seed', 0) } : {}),
  ...(values.cors ? { corsOrigin: values.cors } : {}),
  faults,
})
const assistant = server.seedAssistant(demoAssistant)
const listener = await listen(server, {
  host: values.host ?? '127.0.0.1',
  port: number(values.port, 'port', 4010),
})

console.log(`oai-runs server listening on ${listener.url}`)
console.log(`demo assistant: ${assistant.id}`)

const stop = () => {
  server.close()
  void listener.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
