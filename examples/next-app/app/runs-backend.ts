// The embedded Runs API server with the scripted model, one per Node process (route handlers and pages share it).
// A real app drops this file and gives the proxy `upstream` + `apiKey` instead.
import { createRunsServer, demoAssistant, type RunsServer } from '@oai-runs/server'

const holder = globalThis as typeof globalThis & { oaiRunsBackend?: RunsServer }

export function runsBackend(): RunsServer {
  if (!holder.oaiRunsBackend) {
    holder.oaiRunsBackend = createRunsServer({ tokenDelayMs: Number(process.env.TOKEN_DELAY_MS ?? 20) })
    holder.oaiRunsBackend.seedAssistant(demoAssistant)
  }
  return holder.oaiRunsBackend
}
