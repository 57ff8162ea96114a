// `pnpm start`: builds the playground UI and serves it with the embedded Runs server (or, with OAI_RUNS_UPSTREAM,
// a compatible backend behind the key-holding proxy) on loopback.
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { listen } from '@oai-runs/server/node'
import { build } from 'vite'
import { createPlaygroundApp } from './app.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'token-delay-ms': { type: 'string' },
    'skip-build': { type: 'boolean' },
  },
})
const root = fileURLToPath(new URL('.', import.meta.url))
const staticDir = fileURLToPath(new URL('./dist', import.meta.url))

if (!values['skip-build']) {
  console.log('building the playground UI…')
  await build({
    root,
    configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  })
}

const env = process.env
// A real model for the embedded server: any Chat Completions endpoint (OpenAI, Azure, vLLM, Ollama, …), or OpenAI's
// Responses API with OAI_RUNS_MODEL_API=responses.
const modelApi = env.OAI_RUNS_MODEL_API ?? 'chat-completions'
if (modelApi !== 'chat-completions' && modelApi !== 'responses') {
  throw new Error(`OAI_RUNS_MODEL_API must be chat-completions or responses, got "${modelApi}"`)
}
const modelOptions = env.OAI_RUNS_MODEL_BASE_URL
  ? {
      baseURL: env.OAI_RUNS_MODEL_BASE_URL,
      ...(env.OAI_RUNS_MODEL_API_KEY ? { apiKey: env.OAI_RUNS_MODEL_API_KEY } : {}),
      ...(env.OAI_RUNS_MODEL ? { model: env.OAI_RUNS_MODEL } : {}),
    }
  : undefined
const model = !modelOptions
  ? undefined
  : modelApi === 'responses'
    ? (await import('@oai-runs/server/responses')).createResponsesModel(modelOptions)
    : (await import('@oai-runs/server/chat-completions')).createChatCompletionsModel(modelOptions)
// Durable state for the embedded server (loaded only when asked: the native module is optional).
const store = env.OAI_RUNS_DB
  ? (await import('@oai-runs/server/sqlite')).createSqliteStore(env.OAI_RUNS_DB)
  : undefined
const app = createPlaygroundApp({
  ...(model ? { model, tokenDelayMs: 0 } : {}),
  ...(store ? { store } : {}),
  staticDir,
  ...(env.OAI_RUNS_UPSTREAM ? { upstream: env.OAI_RUNS_UPSTREAM } : {}),
  ...(env.OAI_RUNS_API_KEY ? { apiKey: env.OAI_RUNS_API_KEY } : {}),
  ...(env.OAI_RUNS_API_VERSION ? { apiVersion: env.OAI_RUNS_API_VERSION } : {}),
  ...(env.OAI_RUNS_BETA_HEADER ? { betaHeader: env.OAI_RUNS_BETA_HEADER } : {}),
  ...(env.OAI_RUNS_ASSISTANT_ID ? { assistantId: env.OAI_RUNS_ASSISTANT_ID } : {}),
  ...(values['token-delay-ms'] ? { tokenDelayMs: Number(values['token-delay-ms']) } : {}),
})
const port = Number(values.port ?? env.PORT ?? 4010)
const listener = await listen(app, { host: values.host ?? '127.0.0.1', port })
const origin = listener.url.replace(/\/v1$/, '')

console.log(`oai-runs playground: ${origin}/`)
if (app.embedded) {
  console.log(`embedded Runs API:   ${listener.url} (demo assistant ${app.assistantId})`)
} else {
  console.log(
    `upstream:            ${env.OAI_RUNS_UPSTREAM} (assistant ${app.assistantId}), through the proxy`,
  )
}

const stop = () => {
  app.close()
  void listener.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
