// How failures look: API and stream errors as alerts (what happened, the status, the request id, what to do),
// and the retries the client makes as a live status line and a log.
import type { Run } from '@oai-runs/client'
import { RunStatusBadge } from '@oai-runs/components'
import { memo, useEffect, useState } from 'react'
import { type ActivityEntry, type ActivityLog, MAX_RETRIES, useActivity } from './activity'

type ErrorLike = Error & {
  status?: number
  code?: string | null
  requestId?: string | null
  retryable?: boolean
  calls?: readonly { id: string; name: string; error?: Error | null }[]
}

const titles: Record<string, string> = {
  RateLimitError: 'Rate limited',
  QuotaExceededError: 'Quota exceeded',
  InternalServerError: 'The server failed',
  NotFoundError: 'Not found',
  BadRequestError: 'The request was refused',
  ActiveRunError: 'A run is still active on this thread',
  AuthenticationError: 'Not signed in',
  PermissionDeniedError: 'Not allowed',
  ConnectionError: 'Could not reach the server',
  ConnectionTimeoutError: 'The server took too long to answer',
  StreamError: 'The stream reported an error',
  StreamParseError: 'The stream sent something unreadable',
  StreamTruncatedError: 'The stream ended early',
  StreamIdleTimeoutError: 'The stream went quiet',
  RunExpiredError: 'The run expired',
  RunNotAwaitingOutputsError: 'The run no longer waits for tool outputs',
  ToolOutputsMismatchError: 'The tool outputs did not match the calls',
  ToolCallsError: 'A tool failed',
  ValidationError: 'Invalid input',
  StreamBusyError: 'A run is already streaming here',
}

const advice: Record<string, string> = {
  RateLimitError: 'The client retried and gave up. Wait a moment, then send again.',
  QuotaExceededError: 'Retrying cannot help: the account is out of quota.',
  InternalServerError: 'The client retried and gave up. Try again in a moment.',
  NotFoundError: 'It does not exist, or it belongs to another session.',
  ActiveRunError: 'Wait for the run to finish, or cancel it.',
  ConnectionError: 'Check that the playground server is still running.',
}

export function errorTitle(error: Error): string {
  return titles[error.name] ?? error.name ?? 'Error'
}

/** One error, readable: what, the HTTP status and code, the request id to quote, and what to do. */
export function ErrorNotice({
  error,
  onDismiss,
  action,
}: {
  error: Error
  onDismiss?: (() => void) | undefined
  action?: React.ReactNode
}) {
  const e = error as ErrorLike
  const facts = [
    typeof e.status === 'number' ? `HTTP ${e.status}` : null,
    e.code ? `code ${e.code}` : null,
    e.requestId ? `request ${e.requestId}` : null,
  ].filter(Boolean)
  return (
    <div className="pg-notice" data-tone="error" role="alert">
      <div className="pg-notice-body">
        <strong>{errorTitle(error)}</strong>
        {facts.length > 0 ? <span className="pg-facts"> · {facts.join(' · ')}</span> : null}
        <p>{error.message}</p>
        {e.calls?.length ? (
          <ul>
            {e.calls.map((call) => (
              <li key={call.id}>
                <code>{call.name}</code>: {call.error?.message ?? 'failed'}
              </li>
            ))}
          </ul>
        ) : null}
        {advice[error.name] ? <p className="pg-muted">{advice[error.name]}</p> : null}
      </div>
      <div className="pg-notice-actions">
        {action}
        {onDismiss ? (
          <button type="button" className="pg-button pg-quiet" onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
    </div>
  )
}

/** A run that did not complete, shown in the chat where it happened: status, last_error, what to do. */
export function RunOutcomeNotice({
  run,
  onInspect,
  onRetry,
}: {
  run: Run
  onInspect: () => void
  onRetry?: (() => void) | undefined
}) {
  const tone = run.status === 'failed' || run.status === 'expired' ? 'error' : 'warning'
  let text: string
  if (run.status === 'failed') {
    text = run.last_error
      ? `${run.last_error.code}: ${run.last_error.message}`
      : 'The run failed without saying why.'
  } else if (run.status === 'incomplete') {
    text = `The run stopped early (${run.incomplete_details?.reason ?? 'no reason given'}).`
  } else if (run.status === 'expired') {
    text = 'The run waited too long for tool outputs and expired.'
  } else {
    text = 'The run was cancelled; anything it wrote so far is kept.'
  }
  return (
    <div className="pg-notice pg-run-outcome" data-tone={tone} data-run-id={run.id} data-state={run.status}>
      <div className="pg-notice-body">
        <RunStatusBadge status={run.status} /> <code className="pg-id">{run.id}</code>
        <p>{text}</p>
      </div>
      <div className="pg-notice-actions">
        {onRetry ? (
          <button type="button" className="pg-button" onClick={onRetry}>
            Run again
          </button>
        ) : null}
        <button type="button" className="pg-button pg-quiet" onClick={onInspect}>
          Inspect run
        </button>
      </div>
    </div>
  )
}

function describe(entry: ActivityEntry): string {
  const what = entry.status === 0 ? 'network error' : `${entry.status}${entry.code ? ` ${entry.code}` : ''}`
  if (entry.outcome === 'retrying') {
    const wait = entry.retryAfterMs === null ? '' : ` in ${(entry.retryAfterMs / 1000).toFixed(1)} s`
    return `${what}: ${entry.message} Retrying${wait} (attempt ${entry.failures + 1} of ${MAX_RETRIES + 1})…`
  }
  if (entry.outcome === 'recovered') {
    return `${what}: ${entry.message} Succeeded after ${entry.failures} ${entry.failures === 1 ? 'retry' : 'retries'}.`
  }
  return `${what}: ${entry.message}${entry.failures > 1 ? ` Gave up after ${entry.failures} attempts.` : ''}`
}

/** The newest retry in flight or just recovered, as a live status line above the composer (renders on log changes). */
export const ActivityBanner = memo(function ActivityBanner({ log }: { log: ActivityLog }) {
  const entries = useActivity(log)
  const [hidden, setHidden] = useState<number>(0)
  const latest = entries.at(-1)
  const relevant = latest && latest.id > hidden && latest.outcome !== 'failed' ? latest : undefined
  useEffect(() => {
    if (relevant?.outcome !== 'recovered') {
      return
    }
    const timer = setTimeout(() => setHidden(relevant.id), 8000)
    return () => clearTimeout(timer)
  }, [relevant])
  return (
    <div role="status" className="pg-activity-banner" data-state={relevant?.outcome ?? 'idle'}>
      {relevant ? (
        <>
          <span aria-hidden="true">{relevant.outcome === 'retrying' ? '⟳' : '✓'}</span>{' '}
          <code>
            {relevant.method} {relevant.path}
          </code>{' '}
          {describe(relevant)}
        </>
      ) : null}
    </div>
  )
})

/** Every failed attempt of this page, newest first (renders on log changes only). */
export const ActivityLogView = memo(function ActivityLogView({ log }: { log: ActivityLog }) {
  const entries = useActivity(log)
  return (
    <details className="pg-panel pg-activity-log">
      <summary>
        API errors and retries <span className="pg-count">{entries.length}</span>
      </summary>
      {entries.length === 0 ? (
        <p className="pg-muted">Nothing failed yet. Try the fault buttons.</p>
      ) : (
        <>
          <ol reversed>
            {[...entries].reverse().map((entry) => (
              <li key={entry.id} data-state={entry.outcome}>
                <time dateTime={new Date(entry.at).toISOString()}>
                  {new Date(entry.at).toLocaleTimeString()}
                </time>{' '}
                <code>
                  {entry.method} {entry.path}
                </code>
                <br />
                {describe(entry)}
                {entry.requestId ? <span className="pg-muted"> ({entry.requestId})</span> : null}
              </li>
            ))}
          </ol>
          <button type="button" className="pg-button pg-quiet" onClick={() => log.clear()}>
            Clear log
          </button>
        </>
      )}
    </details>
  )
})
