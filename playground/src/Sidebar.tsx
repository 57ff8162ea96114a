// The left column: the session's threads (our own index: the API cannot list threads) and, on the embedded
// server, the pace and fault-injection panel.
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState } from 'react'
import {
  type FaultRule,
  type Pace,
  type PlaygroundConfig,
  playgroundQueries,
  setPace,
  useAddFault,
  useClearFaults,
  useFaults,
  useThreadIndex,
} from './api'
import { hrefOf, type Route } from './route'

export function ThreadList({ route, navigate }: { route: Route; navigate: (route: Route) => void }) {
  const threads = useThreadIndex()
  const list = threads.data ?? []
  return (
    <nav aria-label="Threads" className="pg-threads">
      <a
        className="pg-button pg-primary pg-new-chat"
        href="/"
        aria-current={route.threadId === null ? 'page' : undefined}
        onClick={(event) => {
          event.preventDefault()
          navigate({ threadId: null, runId: null })
        }}
      >
        <span aria-hidden="true">+</span> New chat
      </a>
      {threads.isError ? (
        <p className="pg-muted" role="alert">
          Could not load your threads: {threads.error.message}
        </p>
      ) : list.length === 0 && !threads.isPending ? (
        <p className="pg-muted pg-threads-empty">Your chats will appear here.</p>
      ) : (
        <ul>
          {list.map((thread) => (
            <li key={thread.id}>
              <a
                href={hrefOf({ threadId: thread.id, runId: null })}
                aria-current={thread.id === route.threadId ? 'page' : undefined}
                title={thread.id}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) {
                    return
                  }
                  event.preventDefault()
                  navigate({ threadId: thread.id, runId: null })
                }}
              >
                <span className="pg-thread-title">{thread.title}</span>
                <time className="pg-muted" dateTime={new Date(thread.createdAt).toISOString()}>
                  {new Date(thread.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                </time>
              </a>
            </li>
          ))}
        </ul>
      )}
    </nav>
  )
}

type FaultPreset = { label: string; hint: string; rule: FaultRule }

const presets: FaultPreset[] = [
  {
    label: '429 on next send',
    hint: 'The next run create answers 429 with retry-after-ms 1000; the client waits and retries.',
    rule: {
      operation: 'createRun',
      status: 429,
      retryAfterMs: 1000,
      label: '429 on next send (retry after 1 s)',
    },
  },
  {
    label: '429 three times',
    hint: 'Three 429s in a row: the client retries twice, then gives up with a RateLimitError.',
    rule: {
      operation: 'createRun',
      status: 429,
      retryAfterMs: 300,
      times: 3,
      label: '429 ×3 (client gives up)',
    },
  },
  {
    label: 'Quota exceeded',
    hint: '429 insufficient_quota: never retried, reported at once.',
    rule: {
      operation: 'createRun',
      status: 429,
      code: 'insufficient_quota',
      label: '429 insufficient_quota',
    },
  },
  {
    label: '503 on next send',
    hint: 'A 503 with no retry hint: the client backs off and retries.',
    rule: { operation: 'createRun', status: 503, label: '503 on next send' },
  },
  {
    label: 'Stall stream',
    hint: 'The next stream pauses for 6 s; after 3 s of silence the client follows the run by polling.',
    rule: {
      operation: 'createRun',
      stream: { stallAfterEvents: 12, stallMs: 6000 },
      label: 'stall the next stream for 6 s',
    },
  },
  {
    label: 'Cut stream',
    hint: 'The next stream is cut mid-event; the client polls the run and backfills what it missed.',
    rule: { operation: 'createRun', stream: { cutAfterEvents: 12 }, label: 'cut the next stream' },
  },
]

function PaceSlider({
  label,
  value,
  max,
  step,
  onCommit,
}: {
  label: string
  value: number
  max: number
  step: number
  onCommit: (value: number) => void
}) {
  const id = useId()
  const [local, setLocal] = useState(value)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => setLocal(value), [value])
  useEffect(() => () => clearTimeout(timer.current), [])
  return (
    <div className="pg-slider">
      <label htmlFor={id}>{label}</label>
      <output htmlFor={id}>{local} ms</output>
      <input
        id={id}
        type="range"
        min={0}
        max={max}
        step={step}
        value={local}
        onChange={(event) => {
          const next = Number(event.target.value)
          setLocal(next)
          clearTimeout(timer.current)
          timer.current = setTimeout(() => onCommit(next), 150)
        }}
      />
    </div>
  )
}

export function FaultPanel({
  config,
  onPrefill,
}: {
  config: PlaygroundConfig
  onPrefill: (text: string) => void
}) {
  const queryClient = useQueryClient()
  const faults = useFaults(config.faults)
  const add = useAddFault()
  const clear = useClearFaults()
  const [pace, setLocalPace] = useState<Pace>(config.pace ?? { tokenDelayMs: 30, cancelDelayMs: 300 })
  const [status, setStatus] = useState('')
  if (!config.faults) {
    return null
  }
  const commitPace = (patch: Partial<Pace>) => {
    const next = { ...pace, ...patch }
    setLocalPace(next)
    void setPace(patch).then(
      () => {
        setStatus(`Pace set: ${next.tokenDelayMs} ms per token, ${next.cancelDelayMs} ms to cancel.`)
        queryClient.setQueryData<PlaygroundConfig>(playgroundQueries.config().queryKey, (old) =>
          old ? { ...old, pace: next } : old,
        )
      },
      (error: Error) => setStatus(`Could not set the pace: ${error.message}`),
    )
  }
  const pending = faults.data ?? []
  return (
    <details className="pg-panel pg-faults" open>
      <summary>Pace and faults</summary>
      <p className="pg-muted">
        Embedded server only. Slow it down, or make the next request fail, and watch the client cope.
      </p>
      <PaceSlider
        label="Token delay"
        value={pace.tokenDelayMs}
        max={300}
        step={5}
        onCommit={(tokenDelayMs) => commitPace({ tokenDelayMs })}
      />
      <PaceSlider
        label="Cancel delay"
        value={pace.cancelDelayMs}
        max={3000}
        step={100}
        onCommit={(cancelDelayMs) => commitPace({ cancelDelayMs })}
      />
      <fieldset className="pg-fault-buttons">
        <legend>Inject a fault</legend>
        {presets.map((preset) => (
          <button
            key={preset.label}
            type="button"
            className="pg-button"
            title={preset.hint}
            disabled={add.isPending}
            onClick={() =>
              add.mutate(preset.rule, {
                onSuccess: () => setStatus(`Armed: ${preset.rule.label}. ${preset.hint}`),
                onError: (error) => setStatus(`Could not add the fault: ${error.message}`),
              })
            }
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          className="pg-button"
          title="Puts /fail server_error in the composer: the scripted model fails the run with last_error."
          onClick={() => onPrefill('/fail server_error')}
        >
          Fail next run
        </button>
      </fieldset>
      <section className="pg-pending" aria-label="Armed faults">
        {pending.length === 0 ? (
          <p className="pg-muted">No fault armed.</p>
        ) : (
          <>
            <ul>
              {pending.map((rule, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; the list is replaced whole
                <li key={index}>
                  {rule.label ?? `${rule.operation ?? '*'}: ${rule.status ?? 'stream fault'}`}
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="pg-button pg-quiet"
              onClick={() => clear.mutate(undefined, { onSuccess: () => setStatus('Faults cleared.') })}
            >
              Clear faults
            </button>
          </>
        )}
      </section>
      <p role="status" className="pg-muted pg-panel-status">
        {status}
      </p>
    </details>
  )
}
