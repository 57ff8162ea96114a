#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { createChatCompletionsModel } from './chat-completions.ts'
import { demoAssistant } from './demo.ts'
import type { FaultRule } from './faults.ts'
import { createUpstreamFiles } from './files/upstream.ts'
import { listen } from './node.ts'
import type { PostgresStore } from './postgres.ts'
import { createResponsesModel } from './responses.ts'
import { createRunsServer } from './server.ts'
import type { SqliteRunsStore } from './sqlite.ts'

const usage = `Usage: oai-runs-server [options]

Serves the Runs API (assistants, threads, messages, runs, run steps) on http://HOST:PORT/v1
with the deterministic scripted model (or a Chat Completions or Responses endpoint), and seeds a demo assistant
(asst_demo).

Options:
  --port N               port to listen on; 0 picks a free one (default 4010)
  --host HOST            interface to bind (default 127.0.0.1, loopback only)
  --token-delay-ms N     pause between streamed tokens (default 30; 0 with --model-base-url)
  --cancel-delay-ms N    time a run spends in "cancelling" (default 300)
  --poll-after-ms N      openai-poll-after-ms header value (default 500)
  --api-key KEY          require this bearer key (repeatable; default: open)
  --require-beta         require the "OpenAI-Beta: assistants=v2" header
  --seed N               deterministic ids
  --fault JSON           a fault rule, e.g. '{"operation":"createRun","status":429,"retryAfterMs":500}' (repeatable)
  --cors ORIGIN          allow browser calls from ORIGIN ("*" for any)
  --db PATH|URL          keep state in this SQLite file, or in Postgres with a postgres:// URL (several
                         instances can share one database; needs the \`postgres\` package) (default: memory)
  --lease-ttl-ms N       Postgres: how long a run's lease lasts without a heartbeat; a run whose instance
                         died is failed by another instance after about this long (default 30000)
  --model-base-url URL   answer runs with this model endpoint, e.g. https://api.openai.com/v1
  --model-api API        the endpoint's API: chat-completions (default) or responses (OpenAI's Responses API,
                         with hosted file_search and code_interpreter; with a key, /files and
                         /vector_stores pass through to it)
  --model-api-key-env NAME  read the endpoint's API key from this environment variable
  --model NAME           the endpoint's model for every run (default: each run's own model)
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
    db: { type: 'string' },
    'lease-ttl-ms': { type: 'string' },
    'model-base-url': { type: 'string' },
    'model-api': { type: 'string' },
    'model-api-key-env': { type: 'string' },
    model: { type: 'string' },
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

function fail(message: string): never {
  console.error(message)
  return process.exit(2)
}

const baseURL = values['model-base-url']
if (!baseURL && (values.model || values['model-api-key-env'] || values['model-api'])) {
  fail('--model, --model-api and --model-api-key-env need --model-base-url')
}
const modelApis = ['chat-completions', 'responses'] as const
const modelApi = values['model-api'] ?? 'chat-completions'
if (!(modelApis as readonly string[]).includes(modelApi)) {
  fail(`--model-api must be ${modelApis.join(' or ')}, got "${modelApi}"`)
}
let apiKey: string | undefined
if (values['model-api-key-env']) {
  apiKey = process.env[values['model-api-key-env']]
  if (!apiKey) {
    fail(`--model-api-key-env: the environment variable ${values['model-api-key-env']} is not set`)
  }
}
if (baseURL && !/^https?:\/\//.test(baseURL)) {
  fail(`--model-base-url must be an http(s) URL, got "${baseURL}"`)
}
const modelOptions = baseURL
  ? { baseURL, ...(apiKey ? { apiKey } : {}), ...(values.model ? { model: values.model } : {}) }
  : undefined
const model = modelOptions
  ? modelApi === 'responses'
    ? createResponsesModel(modelOptions)
    : createChatCompletionsModel(modelOptions)
  : undefined

let store: SqliteRunsStore | undefined
let shared: PostgresStore | undefined
const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value)
if (values['lease-ttl-ms'] !== undefined && !(values.db && isPostgresUrl(values.db))) {
  fail('--lease-ttl-ms needs --db postgres://…')
}
if (values.db && isPostgresUrl(values.db)) {
  const { createPostgresStore } = await import('./postgres.ts')
  const leaseTtlMs = number(values['lease-ttl-ms'], 'lease-ttl-ms', 30_000)
  try {
    shared = await createPostgresStore(values.db, { leaseTtlMs: Math.max(100, leaseTtlMs) })
  } catch (error) {
    fail(`--db: cannot open the Postgres database: ${error instanceof Error ? error.message : String(error)}`)
  }
} else if (values.db) {
  // Loaded only when asked for: no SQLite driver is needed for the in-memory server.
  const { createSqliteStore } = await import('./sqlite.ts')
  try {
    store = createSqliteStore(values.db)
  } catch (error) {
    fail(`--db: cannot open ${values.db}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const server = createRunsServer({
  // A real model paces itself: no artificial delay between its tokens unless asked for.
  tokenDelayMs: number(values['token-delay-ms'], 'token-delay-ms', model ? 0 : 30),
  cancelDelayMs: number(values['cancel-delay-ms'], 'cancel-delay-ms', 300),
  pollAfterMs: number(values['poll-after-ms'], 'poll-after-ms', 500),
  ...(values['api-key'] ? { apiKeys: values['api-key'] } : {}),
  ...(values['require-beta'] ? { requireBetaHeader: true } : {}),
  ...(values.seed !== undefined ? { seed: number(values.seed, 'seed', 0) } : {}),
  ...(values.cors ? { corsOrigin: values.cors } : {}),
  ...(model ? { model } : {}),
  ...(store ? { store } : {}),
  ...(shared ? { store: shared } : {}),
  // On the Responses API, files and vector stores live upstream (its file_search searches them there).
  ...(baseURL && modelApi === 'responses' && apiKey
    ? { files: createUpstreamFiles({ baseURL, apiKey }) }
    : {}),
  faults,
})
// A Chat Completions model cannot run code_interpreter / file_search by itself: the demo keeps its functions only.
// The Responses API runs both (file_search once the assistant or thread has vector stores).
const assistant = server.seedAssistant(
  model
    ? {
        ...demoAssistant,
        model: values.model ?? 'gpt-4o-mini',
        description: `The demo assistant, answered by a ${modelApi === 'responses' ? 'Responses' : 'Chat Completions'} model.`,
        tools:
          modelApi === 'responses'
            ? demoAssistant.tools
            : demoAssistant.tools?.filter((tool) => tool.type === 'function'),
      }
    : demoAssistant,
)
try {
  await server.ready()
} catch (error) {
  fail(`--db: cannot save the demo assistant: ${error instanceof Error ? error.message : String(error)}`)
}
const listener = await listen(server, {
  host: values.host ?? '127.0.0.1',
  port: number(values.port, 'port', 4010),
})

console.log(`oai-runs server listening on ${listener.url}`)
console.log(`demo assistant: ${assistant.id}`)
console.log(
  `model: ${baseURL ? `${values.model ?? "each run's model"} at ${baseURL} (${modelApi})` : 'scripted'}`,
)
if (model && modelApi === 'responses') {
  console.log(
    apiKey
      ? `files and vector stores: passed through to ${baseURL}`
      : 'files and vector stores: local (pass --model-api-key-env to keep them upstream, where file_search reads them)',
  )
}
if (shared) {
  console.log(`database: Postgres, instance ${shared.instanceId} (lease ${shared.db.leases.ttlMs} ms)`)
}
if (store) {
  console.log(
    `database: ${values.db} on ${store.driver} (${store.recovered.length} interrupted run(s) marked failed)`,
  )
}

const stop = () => {
  const closing = server.close()
  void listener
    .close()
    .then(() => closing)
    .then(async () => {
      store?.close()
      await shared?.close()
    })
    .finally(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
