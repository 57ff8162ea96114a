// `pnpm start`: builds the playground UI and serves it with the embedded Runs server (or, with OAI_RUNS_UPSTREAM,
// a compatible backend behind the key-holding proxy) on loopback.
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { listen } from '@oai-runs/server/node'
import { build } from 'vite'
import { createPlaygroundApp, playgroundOptionsFromEnv } from './app.ts'

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
const app = createPlaygroundApp({
  ...(await playgroundOptionsFromEnv(env)),
  staticDir,
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
