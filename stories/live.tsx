// Live stories: `@oai-runs/server` runs in the browser as the client's fetch, with the scripted model.
import {
  type Client,
  createClient,
  emptyRunSnapshot,
  listEntities,
  type RunSnapshot,
  type RunStream,
  reduceRunEvent,
  type ToolApproval,
  type ToolOutput,
} from '@oai-runs/client'
import { createRunsServer, demoAssistant, type FaultRule } from '@oai-runs/server'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'

/** Story controls for the in-browser server. */
export type LiveArgs = {
  /**
   * The user message; the scripted model reads commands like `/tool`, `/code`, `/search`, `/approve`, `/hosted`,
   * `/fail`, `/long`.
   */
  prompt: string
  /** Pause between streamed tokens (ms). */
  tokenDelayMs: number
  /** Time a run spends in `cancelling` (ms). */
  cancelDelayMs: number
  /** A fault to inject into the first run request. */
  fault: 'none' | 'stream-error' | 'cut-stream' | 'slow-headers'
}

const FAULTS: Record<LiveArgs['fault'], FaultRule[]> = {
  none: [],
  'stream-error': [{ operation: 'createThreadAndRun', stream: { errorAfterEvents: 6 } }],
  'cut-stream': [{ operation: 'createThreadAndRun', stream: { cutAfterEvents: 8 } }],
  'slow-headers': [{ operation: 'createThreadAndRun', delayMs: 1500 }],
}

/** A fresh in-browser server and a client that talks to it. */
export function createLiveBackend(
  options: { tokenDelayMs?: number; cancelDelayMs?: number; faults?: FaultRule[] } = {},
) {
  const server = createRunsServer({
    tokenDelayMs: options.tokenDelayMs ?? 20,
    cancelDelayMs: options.cancelDelayMs ?? 600,
    faults: options.faults ?? [],
  })
  server.seedAssistant(demoAssistant)
  const baseURL = 'http://runs.local/v1'
  const client = createClient({
    baseURL,
    maxRetries: 0,
    fetch: (input, init) => server.fetch(new Request(input, init)),
  })
  return { server, client, baseURL }
}

async function drain(stream: RunStream, start: RunSnapshot, onSnapshot: (snapshot: RunSnapshot) => void) {
  let snapshot = start
  for await (const event of stream) {
    snapshot = reduceRunEvent(snapshot, event)
    onSnapshot(snapshot)
  }
  return snapshot
}

/** Runs one prompt against the in-browser server and exposes the live snapshot plus submit/cancel. */
export function useLiveRun(args: LiveArgs) {
  const backend = useMemo(
    () =>
      createLiveBackend({
        tokenDelayMs: args.tokenDelayMs,
        cancelDelayMs: args.cancelDelayMs,
        faults: FAULTS[args.fault],
      }),
    [args.tokenDelayMs, args.cancelDelayMs, args.fault],
  )
  const [snapshot, setSnapshot] = useState<RunSnapshot>(emptyRunSnapshot())
  const [error, setError] = useState<string | null>(null)
  const latest = useRef(snapshot)
  const publish = useCallback((next: RunSnapshot) => {
    latest.current = next
    setSnapshot(next)
  }, [])

  useEffect(() => {
    let stopped = false
    let stream: RunStream | undefined
    publish(emptyRunSnapshot())
    setError(null)
    void (async () => {
      try {
        stream = await backend.client.runs.createThreadAndRun({
          assistant_id: 'asst_demo',
          thread: { messages: [{ role: 'user', content: args.prompt }] },
          stream: true,
        })
        await drain(stream, emptyRunSnapshot(), (next) => !stopped && publish(next))
      } catch (failure) {
        if (!stopped) {
          setError(failure instanceof Error ? failure.message : String(failure))
          await refresh(backend.client, latest.current, publish)
        }
      }
    })()
    return () => {
      stopped = true
      stream?.abort()
      backend.server.close()
    }
  }, [backend, args.prompt, publish])

  const ids = () => {
    const run = latest.current.run
    if (!run) {
      throw new Error('No run yet.')
    }
    return { threadId: run.thread_id, runId: run.id }
  }

  const submitToolOutputs = async (outputs: ToolOutput[]) => {
    const stream = await backend.client.runs.submitToolOutputs(ids(), { tool_outputs: outputs, stream: true })
    // The form is done once the server accepted the outputs; the continuation streams in the background.
    void drain(stream, latest.current, publish).catch((failure) => setError(String(failure)))
  }

  const submitToolApprovals = async (approvals: ToolApproval[]) => {
    const stream = await backend.client.runs.submitToolOutputs(ids(), {
      tool_approvals: approvals,
      stream: true,
    })
    void drain(stream, latest.current, publish).catch((failure) => setError(String(failure)))
  }

  const cancel = async () => {
    const run = await backend.client.runs.cancel(ids())
    publish({ ...latest.current, run })
    // Follow the run until it settles (the cancel delay keeps it `cancelling` for a moment).
    for (let attempt = 0; attempt < 40; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 150))
      const next = await backend.client.runs.retrieve(ids())
      publish({ ...latest.current, run: next })
      if (next.status !== 'cancelling') {
        break
      }
    }
  }

  return {
    backend,
    snapshot,
    run: snapshot.run,
    steps: listEntities(snapshot.steps),
    messages: listEntities(snapshot.messages),
    live: snapshot.status === 'streaming',
    error,
    submitToolOutputs,
    submitToolApprovals,
    cancel,
  }
}

async function refresh(client: Client, snapshot: RunSnapshot, publish: (snapshot: RunSnapshot) => void) {
  const run = snapshot.run
  if (!run) {
    return
  }
  const next = await client.runs.retrieve({ threadId: run.thread_id, runId: run.id }).catch(() => null)
  if (next) {
    publish({ ...snapshot, run: next })
  }
}

/** The default controls of live stories. */
export const liveArgTypes = {
  prompt: { control: 'text' },
  tokenDelayMs: { control: { type: 'range', min: 0, max: 200, step: 5 } },
  cancelDelayMs: { control: { type: 'range', min: 0, max: 3000, step: 100 } },
  fault: { control: 'select', options: ['none', 'stream-error', 'cut-stream', 'slow-headers'] },
} as const
