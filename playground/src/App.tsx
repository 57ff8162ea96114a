// The playground: threads on the left, the chat in the middle, the run inspector on the right. One
// `useRunStream` per page streams runs into the react-query cache; every view reads the same entries.
import type { ApiError, Message, ToolOutput } from '@oai-runs/client'
import {
  type IfBusy,
  type ListData,
  type QueuedRun,
  QueuedRunDroppedError,
  runKeys,
  runQueries,
  useRunStream,
  useRunsClient,
} from '@oai-runs/client/react'
import { RunStatusBadge } from '@oai-runs/components'
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query'
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ActivityLog } from './activity'
import {
  type PlaygroundConfig,
  playgroundQueries,
  titleFrom,
  useConfig,
  useRenameThread,
  useThreadIndex,
} from './api'
import { Composer, EmptyState, QueuedMessages, Transcript } from './Chat'
import { Inspector } from './Inspector'
import { ActivityBanner, ActivityLogView, ErrorNotice } from './notices'
import { type Route, useRoute } from './route'
import { FaultPanel, ThreadList } from './Sidebar'
import { MESSAGE_QUERY, RUN_QUERY, type Stream, useStableCallback } from './shared'
import { applyTheme, storedTheme, type Theme } from './theme'

const NONE_QUEUED: readonly QueuedRun[] = []

/**
 * What this page needs of the thread's messages: whether there are none. A streamed token changes the list but
 * not this, so the page (header, footer, inspector) skips the reply's frames; the transcript reads the list.
 */
const hasNoMessages = (data: ListData<Message>) => data.pages.every((page) => page.data.length === 0)

/** Text for the composer; `merge` puts it before what is being typed instead of replacing it. */
type Prefill = { text: string; nonce: number; merge?: boolean } | null

const ThemeSelect = memo(function ThemeSelect() {
  const [theme, setTheme] = useState<Theme>(storedTheme)
  return (
    <label className="pg-theme">
      <span>Theme</span>
      <select
        value={theme}
        onChange={(event) => {
          const next = event.target.value as Theme
          setTheme(next)
          applyTheme(next)
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  )
})

export function App({ activity }: { activity: ActivityLog }) {
  const config = useConfig()
  const [route, navigate] = useRoute()
  const [prefill, setPrefill] = useState<Prefill>(null)
  const onPrefill = useCallback(
    (text: string, merge?: boolean) => setPrefill({ text, nonce: Date.now(), merge }),
    [],
  )
  return (
    <div className="pg-app">
      <a className="pg-skip" href="#pg-composer-input">
        Skip to the message box
      </a>
      <header className="pg-header">
        <h1>
          oai-runs <span className="pg-accent">playground</span>
        </h1>
        {config.data ? (
          <span className="pg-mode" data-mode={config.data.mode}>
            {config.data.mode === 'embedded'
              ? `Embedded Runs server · ${config.data.assistantId}`
              : `Upstream ${config.data.upstream} · ${config.data.assistantId} · through the proxy`}
          </span>
        ) : null}
        <ThemeSelect />
      </header>
      <aside className="pg-sidebar" aria-label="Threads and controls">
        <ThreadList route={route} navigate={navigate} />
        {config.data ? <FaultPanel config={config.data} onPrefill={onPrefill} /> : null}
      </aside>
      {config.data ? (
        <Workspace
          route={route}
          navigate={navigate}
          config={config.data}
          activity={activity}
          prefill={prefill}
          onPrefill={onPrefill}
        />
      ) : (
        <main className="pg-chat">
          {config.isError ? (
            <ErrorNotice error={config.error} />
          ) : (
            <p className="pg-muted pg-loading">Connecting to the playground server…</p>
          )}
        </main>
      )}
    </div>
  )
}

function streamLine(stream: Stream): string | null {
  if (!stream.runId) {
    return null
  }
  if (stream.status === 'requires_action') {
    return 'waiting for tool outputs'
  }
  if (stream.connection === 'stream') {
    return 'streaming'
  }
  if (stream.connection === 'poll') {
    return 'following by polling (the stream dropped, or the page reloaded)'
  }
  return null
}

function Workspace({
  route,
  navigate,
  config,
  activity,
  prefill,
  onPrefill,
}: {
  route: Route
  navigate: (route: Route, options?: { replace?: boolean }) => void
  config: PlaygroundConfig
  activity: ActivityLog
  prefill: Prefill
  onPrefill: (text: string, merge?: boolean) => void
}) {
  const client = useRunsClient()
  const queryClient = useQueryClient()
  const threads = useThreadIndex()
  const rename = useRenameThread()
  const threadId = route.threadId
  const lastError = useRef<Error | null>(null)
  const [localError, setLocalError] = useState<Error | null>(null)
  const [dismissed, setDismissed] = useState<Error | null>(null)

  const stream = useRunStream({
    threadId,
    // A message sent while a run is active waits for it (shown as queued), instead of being refused.
    ifBusy: 'queue',
    // A stream silent this long (a stalled connection) hands over to polling.
    idleTimeoutMs: 3000,
    onError: (error) => {
      lastError.current = error
    },
    onFinish: () => {
      void queryClient.invalidateQueries({ queryKey: playgroundQueries.faults().queryKey })
    },
  })
  // The thread's lists (disabled on a new chat); the same entries the transcript and the inspector read.
  const runsQuery = useInfiniteQuery({
    ...runQueries.runs(client, { threadId: threadId ?? 'none' }, RUN_QUERY),
    enabled: threadId !== null,
  })
  const messagesQuery = useInfiniteQuery({
    ...runQueries.messages(client, { threadId: threadId ?? 'none' }, MESSAGE_QUERY),
    enabled: threadId !== null,
    select: hasNoMessages,
  })
  // The same array until the run list changes, so the memoised run list skips the frames of a streaming reply.
  const runs = useMemo(
    () => (threadId ? (runsQuery.data?.pages.flatMap((page) => page.data) ?? []) : []),
    [threadId, runsQuery.data],
  )
  const notFound = threadId
    ? ([messagesQuery, runsQuery].find((query) => query.isError && (query.error as ApiError).status === 404)
        ?.error ?? null)
    : null
  const empty = !threadId || (messagesQuery.data === true && runs.length === 0)
  const mine = stream.threadId === threadId
  const busy = mine && (stream.status === 'streaming' || stream.status === 'requires_action')

  // While a run is followed by polling, refresh its messages too, so the reply keeps growing.
  useEffect(() => {
    if (!threadId || !mine || stream.connection !== 'poll') {
      return
    }
    const timer = setInterval(() => {
      void queryClient.invalidateQueries({
        queryKey: runQueries.messages(client, { threadId }, MESSAGE_QUERY).queryKey,
      })
    }, 1000)
    return () => clearInterval(timer)
  }, [client, queryClient, threadId, mine, stream.connection])

  const submitStreamOutputs = useStableCallback(async (outputs: ToolOutput[]) => {
    lastError.current = null
    await stream.submitToolOutputs(outputs)
    if (lastError.current) {
      throw lastError.current // the form shows it on the fields it concerns
    }
  })

  // C1 and queued sends: a message whose run was never created (the create failed, or it was dropped from the
  // queue by a thread switch) goes back to the composer, before whatever is being typed. A removed one does not.
  const startRun = (id: string, text: string | null, ifBusy?: IfBusy) => {
    setDismissed(null)
    lastError.current = null
    stream
      .create(
        {
          assistant_id: config.assistantId,
          ...(text === null ? {} : { additional_messages: [{ role: 'user' as const, content: text }] }),
        },
        { threadId: id, ifBusy },
      )
      .catch((error: unknown) => {
        const removed = error instanceof QueuedRunDroppedError && error.reason === 'dequeued'
        if (text !== null && !removed) {
          onPrefill(text, true)
        }
      })
  }

  // Stable callbacks from here on: the memoised composer, transcript rows and run list keep them across tokens.
  const send = useStableCallback(async (text: string, ifBusy?: IfBusy): Promise<boolean> => {
    setLocalError(null)
    try {
      let id = threadId
      if (!id) {
        const thread = await client.threads.create()
        id = thread.id
        // Load the (empty) lists first, so the optimistic message and the stream's writes have a list to go in.
        await Promise.all([
          queryClient.prefetchInfiniteQuery(runQueries.messages(client, { threadId: id }, MESSAGE_QUERY)),
          queryClient.prefetchInfiniteQuery(runQueries.runs(client, { threadId: id }, RUN_QUERY)),
        ])
        navigate({ threadId: id, runId: null })
        rename.mutate(
          { id, title: titleFrom(text) },
          {
            onSettled: () =>
              void queryClient.invalidateQueries({ queryKey: playgroundQueries.threads().queryKey }),
          },
        )
      } else {
        if (threads.data?.find((thread) => thread.id === id)?.title === 'New chat') {
          rename.mutate({ id, title: titleFrom(text) })
        }
        if (route.runId) {
          navigate({ threadId: id, runId: null }, { replace: true }) // follow the new run
        }
      }
      // Workaround (checklist C2): a refetch of the thread's lists still in flight from the previous run would
      // land after the new run is written into them and drop it; cancel those refetches first.
      if (!busy) {
        await queryClient.cancelQueries({ queryKey: runKeys.thread(client, { threadId: id }) })
      }
      startRun(id, text, ifBusy)
      return true
    } catch (error) {
      setLocalError(error as Error)
      return false
    }
  })

  const rerun = useStableCallback(async () => {
    if (threadId && !busy) {
      try {
        await queryClient.cancelQueries({ queryKey: runKeys.thread(client, { threadId }) })
        startRun(threadId, null)
      } catch (error) {
        setLocalError(error as Error)
      }
    }
  })
  const retry = useStableCallback(() => void rerun())
  const stop = useStableCallback(() => void stream.cancel())
  const loadMoreRuns = useStableCallback(() => void runsQuery.fetchNextPage())
  const selectRun = useStableCallback((runId: string) => navigate({ threadId, runId }, { replace: true }))
  const title = threadId
    ? (threads.data?.find((thread) => thread.id === threadId)?.title ?? threadId)
    : 'New chat'
  const shownError = localError ?? (mine || !stream.threadId ? stream.error : null)
  const line = mine ? streamLine(stream) : null

  const runId = route.runId ?? (mine ? stream.runId : null) ?? runs[0]?.id ?? null
  const allQueued = stream.queued
  const queued = useMemo(
    () => (mine ? allQueued.filter((item) => item.threadId === threadId) : NONE_QUEUED),
    [mine, allQueued, threadId],
  )
  const blocked = notFound
    ? 'This thread is not available.'
    : busy && stream.status === 'requires_action'
      ? 'The run waits for tool outputs: answer in the Run panel. Enter queues your message until then; Stop and send cancels the run first.'
      : busy
        ? 'The assistant is replying: Enter queues your message until it is done; Stop and send cancels the run first. Stop only cancels.'
        : null
  return (
    <>
      <main className="pg-chat" aria-labelledby="pg-chat-title">
        <div
          className="pg-chat-header"
          data-stream-status={stream.status}
          data-connection={mine ? stream.connection : 'none'}
          data-run-id={mine ? (stream.runId ?? '') : ''}
        >
          <h2 id="pg-chat-title">{title}</h2>
          <p className="pg-stream-line" role="status">
            {line && stream.runStatus ? (
              <>
                <RunStatusBadge status={stream.runStatus} /> <code className="pg-id">{stream.runId}</code>{' '}
                {line}
              </>
            ) : null}
            {queued.length > 0 ? (
              <span className="pg-queued-count">
                {' '}
                · {queued.length === 1 ? '1 message' : `${queued.length} messages`} queued, sent when the run
                ends
              </span>
            ) : null}
          </p>
        </div>
        <div className="pg-chat-scroll">
          {notFound ? (
            <div className="pg-notfound" role="alert">
              <h3>Thread not found</h3>
              <p>
                There is no thread <code>{threadId}</code> in this session: it does not exist, or it belongs
                to another session. The proxy answered 404 and never asked the API.
              </p>
              <a
                className="pg-button pg-primary"
                href="/"
                onClick={(event) => {
                  event.preventDefault()
                  navigate({ threadId: null, runId: null })
                }}
              >
                Start a new chat
              </a>
            </div>
          ) : null}
          {!notFound && threadId ? (
            <Transcript
              threadId={threadId}
              runs={runs}
              stream={stream}
              onInspect={selectRun}
              onRetry={retry}
            />
          ) : null}
          {!notFound && empty && !busy ? (
            <EmptyState onPick={onPrefill} upstream={config.mode === 'upstream' ? config.upstream : null} />
          ) : null}
        </div>
        <div className="pg-chat-footer">
          <ActivityBanner log={activity} />
          {shownError && shownError !== dismissed ? (
            <ErrorNotice
              error={shownError}
              onDismiss={() => (localError ? setLocalError(null) : setDismissed(shownError))}
            />
          ) : null}
          {busy && stream.status === 'requires_action' ? (
            <div className="pg-notice" data-tone="info">
              <div className="pg-notice-body">
                <strong>
                  The assistant called {stream.toolCalls.map((call) => call.name).join(' and ')}.
                </strong>
                <p>Type the output (or press Run tools) in the form, then submit.</p>
              </div>
              <div className="pg-notice-actions">
                <button
                  type="button"
                  className="pg-button pg-primary"
                  onClick={() => {
                    const field = document.querySelector<HTMLTextAreaElement>('.pg-run-viewer form textarea')
                    field?.scrollIntoView({ block: 'center' })
                    field?.focus()
                  }}
                >
                  Answer in the form
                </button>
              </div>
            </div>
          ) : null}
          <QueuedMessages queued={queued} onRemove={stream.dequeue} />
          <Composer
            disabled={!!notFound}
            busy={busy}
            blockedReason={blocked}
            prefill={prefill}
            onSend={send}
            onStop={stop}
            stopping={stream.runStatus === 'cancelling'}
          />
        </div>
      </main>
      <aside className="pg-inspector" aria-label="Run inspector">
        {notFound ? null : (
          <Inspector
            threadId={threadId}
            runs={runs}
            runsError={runsQuery.isError ? runsQuery.error : null}
            hasMoreRuns={runsQuery.hasNextPage}
            loadingRuns={runsQuery.isFetching && (runsQuery.isFetchingNextPage || !runsQuery.data)}
            onLoadMoreRuns={loadMoreRuns}
            runId={runId}
            onSelectRun={selectRun}
            stream={stream}
            submitStreamOutputs={submitStreamOutputs}
            tools={config.tools}
            onRestart={retry}
          />
        )}
        <ActivityLogView log={activity} />
      </aside>
    </>
  )
}
