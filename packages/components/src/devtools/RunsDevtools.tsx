'use client'
// RunsDevtools: a toggle and a non-modal panel that show what the react-query cache holds for oai-runs: backends →
// threads → runs (status, creation time, live stream), the selected run's timeline and raw JSON, and a capped log
// of cache activity. It only reads the cache (never fetches), so it works with or without a RunsClientProvider.
import { runKeys } from '@oai-runs/client/react'
import { notifyManager, type QueryClient, QueryClientContext } from '@tanstack/react-query'
import {
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react'
import { ClockTime } from '../internal/clock-time.tsx'
import { isoTime } from '../internal/format.ts'
import type { MessageContentOptions } from '../message-content/MessageContent.tsx'
import { RunListTrigger } from '../run-list/RunList.tsx'
import { RunStatusBadge } from '../run-status-badge/RunStatusBadge.tsx'
import { RunTimeline } from '../run-timeline/RunTimeline.tsx'
import {
  type CachedRun,
  type CacheSnapshot,
  collectRuns,
  isThreadHeld,
  type LogEntry,
  mutationLogEntry,
  queryLogEntry,
  runContents,
} from './cache-model.ts'

/** Props of `RunsDevtools`. */
export type RunsDevtoolsProps = {
  /** The corner of the toggle button; the panel opens along the same edge. @defaultValue 'bottom-right' */
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' | undefined
  /** Open the panel on mount (focus is not moved then). @defaultValue false */
  initialIsOpen?: boolean | undefined
  /** How many cache events the log keeps (the oldest go first). @defaultValue 200 */
  logLimit?: number | undefined
  /** The QueryClient to inspect. @defaultValue the one of the nearest QueryClientProvider */
  queryClient?: QueryClient | undefined
  /** Forces the light or dark palette of the default theme; otherwise it follows the OS or a `data-oai-theme` ancestor. */
  theme?: 'light' | 'dark' | undefined
}

// Message headings of the model render below the panel's own outline (h2 panel, h3 sections, h4 backends).
const CONTENT_OPTIONS: MessageContentOptions = { headingOffset: 3 }

const logTime = (at: number) =>
  new Date(at).toLocaleTimeString(undefined, {
    hour12: false,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
  })

/** Subscribes to the query and mutation caches: the capped log of oai-runs events and a version for re-reading. */
function useCacheActivity(queryClient: QueryClient | null, limit: number) {
  const [log, setLog] = useState<LogEntry[]>([])
  const [version, setVersion] = useState(0)
  const [paused, setPaused] = useState(false)
  const pausedRef = useRef(paused)
  pausedRef.current = paused
  // Log ids stay unique when the subscription is made again (another client or limit): they key the list items.
  const nextIdRef = useRef(0)

  useEffect(() => {
    if (!queryClient) {
      return
    }
    let pending: LogEntry[] = []
    let changed = false
    let scheduled = false
    let active = true
    // Events arrive synchronously, even while another component renders (a query is built in its render):
    // they are recorded at once and handed to React in one update, when react-query notifies its own observers.
    const flush = () => {
      scheduled = false
      if (!active) {
        return
      }
      const entries = pending
      pending = []
      if (entries.length > 0) {
        setLog((previous) => {
          const next = previous.concat(entries)
          return next.length > limit ? next.slice(next.length - limit) : next
        })
      }
      if (changed) {
        changed = false
        setVersion((value) => value + 1)
      }
    }
    const schedule = () => {
      changed = true
      if (!scheduled) {
        scheduled = true
        notifyManager.schedule(flush)
      }
    }
    /** Records the entry (if any; its id is then used up); false when there was none. */
    const record = (entry: LogEntry | null) => {
      if (!entry) {
        return false
      }
      nextIdRef.current++
      if (!pausedRef.current) {
        pending.push(entry)
      }
      schedule()
      return true
    }
    const stopQueries = queryClient.getQueryCache().subscribe((event) => {
      if (
        !record(queryLogEntry(event, nextIdRef.current, Date.now())) &&
        (event.type === 'added' || event.type === 'removed')
      ) {
        schedule() // someone else's query: not logged, only counted
      }
    })
    const stopMutations = queryClient
      .getMutationCache()
      .subscribe((event) => record(mutationLogEntry(event, nextIdRef.current, Date.now())))
    return () => {
      active = false
      stopQueries()
      stopMutations()
    }
  }, [queryClient, limit])

  return { log, version, paused, setPaused, clear: useCallback(() => setLog([]), []) }
}

/**
 * A floating devtools panel for the oai-runs entries of the react-query cache: runs by backend and thread, the selected run's timeline and JSON, and a live log of cache activity.
 * @example
 * <QueryClientProvider client={queryClient}>
 *   <App />
 *   {import.meta.env.DEV ? <RunsDevtools /> : null}
 * </QueryClientProvider>
 */
export function RunsDevtools({
  position = 'bottom-right',
  initialIsOpen = false,
  logLimit = 200,
  queryClient: explicitClient,
  theme,
}: RunsDevtoolsProps) {
  const contextClient = useContext(QueryClientContext)
  const queryClient = explicitClient ?? contextClient ?? null
  const [open, setOpen] = useState(initialIsOpen)
  const toggleRef = useRef<HTMLButtonElement>(null)
  const panelRef = useRef<HTMLDivElement>(null)
  const focusPanel = useRef(false)
  const panelId = useId()
  const titleId = useId()
  const activity = useCacheActivity(queryClient, Math.max(1, logLimit))

  useEffect(() => {
    if (open && focusPanel.current) {
      focusPanel.current = false
      panelRef.current?.focus()
    }
  }, [open])

  const close = () => {
    setOpen(false)
    toggleRef.current?.focus()
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open && !event.defaultPrevented) {
      event.preventDefault()
      close()
    }
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the panel from the toggle or anywhere in it
    <div data-oai-devtools="" data-position={position} data-oai-theme={theme} onKeyDown={onKeyDown}>
      <button
        type="button"
        ref={toggleRef}
        data-oai-devtools-toggle=""
        data-state={open ? 'open' : 'closed'}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => {
          focusPanel.current = !open
          setOpen(!open)
        }}
      >
        Runs devtools
      </button>
      {open ? (
        <div
          ref={panelRef}
          id={panelId}
          role="dialog"
          aria-labelledby={titleId}
          tabIndex={-1}
          data-oai-devtools-panel=""
        >
          <header data-oai-devtools-header="">
            <h2 id={titleId}>oai-runs devtools</h2>
            <button type="button" data-oai-devtools-close="" onClick={close}>
              Close
            </button>
          </header>
          {queryClient ? (
            <DevtoolsBody queryClient={queryClient} activity={activity} logLimit={logLimit} />
          ) : (
            <p data-oai-empty="">
              No QueryClient found: render <code>{'<RunsDevtools />'}</code> inside your{' '}
              <code>QueryClientProvider</code>, or pass it as <code>queryClient</code>.
            </p>
          )}
        </div>
      ) : null}
    </div>
  )
}

type Activity = ReturnType<typeof useCacheActivity>

function DevtoolsBody({
  queryClient,
  activity,
  logLimit,
}: {
  queryClient: QueryClient
  activity: Activity
  logLimit: number
}) {
  const { version } = activity
  // Re-read the cache whenever an oai-runs entry changed (version), and when a hold changed without a cache write
  // (an aborted stream releases it): checked every second while a thread is held (a run streams only then).
  const [tick, setTick] = useState(0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` and `tick` say when the cache changed
  const snapshot = useMemo(
    () => collectRuns(queryClient.getQueryCache().getAll()),
    [queryClient, version, tick],
  )
  const snapshotRef = useRef(snapshot)
  snapshotRef.current = snapshot
  const anyHeld = snapshot.backends.some((backend) => backend.threads.some((thread) => thread.held))
  useEffect(() => {
    if (!anyHeld) {
      return
    }
    const timer = setInterval(() => {
      const holdChanged = snapshotRef.current.backends.some((backend) =>
        backend.threads.some((thread) => thread.held !== isThreadHeld(backend.scope, thread.threadId)),
      )
      if (holdChanged) {
        setTick((value) => value + 1)
      }
    }, 1000)
    return () => clearInterval(timer)
  }, [anyHeld])

  const [selectedId, setSelectedId] = useState<string | null>(null)
  const all = snapshot.backends.flatMap((backend) => backend.threads.flatMap((thread) => thread.runs))
  const newest = all.reduce<CachedRun | undefined>(
    (best, run) => (!best || run.run.created_at > best.run.created_at ? run : best),
    undefined,
  )
  // Until one is picked (or when the picked one left the cache), the newest run is shown.
  const selected = all.find((run) => run.id === selectedId) ?? newest

  return (
    <div data-oai-devtools-body="">
      <p data-oai-devtools-summary="">{summaryText(snapshot)}</p>
      <RunsSection snapshot={snapshot} selected={selected} onSelect={(run) => setSelectedId(run.id)} />
      <SelectedRunSection queryClient={queryClient} selected={selected} version={version} />
      <LogSection activity={activity} logLimit={logLimit} />
    </div>
  )
}

function summaryText(snapshot: CacheSnapshot): string {
  const threads = snapshot.backends.reduce((sum, backend) => sum + backend.threads.length, 0)
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
  return (
    `${count(snapshot.runCount, 'run', 'runs')} in ${count(threads, 'thread', 'threads')} on ` +
    `${count(snapshot.backends.length, 'backend', 'backends')} · ` +
    `${count(snapshot.ourQueries, 'oai-runs query', 'oai-runs queries')} of ${snapshot.allQueries} cached`
  )
}

function Section({ title, children, name }: { title: ReactNode; children: ReactNode; name: string }) {
  const id = useId()
  return (
    <section aria-labelledby={id} data-oai-devtools-section={name}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  )
}

// Up/Down/Home/End move between the run buttons (Tab works too).
function onRunKeys(event: KeyboardEvent<HTMLElement>) {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End']
  if (!keys.includes(event.key)) {
    return
  }
  const buttons = [
    ...event.currentTarget.querySelectorAll<HTMLButtonElement>('button[data-oai-devtools-run]'),
  ]
  const index = buttons.indexOf(document.activeElement as HTMLButtonElement)
  if (index === -1) {
    return
  }
  event.preventDefault()
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? buttons.length - 1
        : Math.min(buttons.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)))
  buttons[next]?.focus()
}

function RunsSection({
  snapshot,
  selected,
  onSelect,
}: {
  snapshot: CacheSnapshot
  selected: CachedRun | undefined
  onSelect: (run: CachedRun) => void
}) {
  return (
    <Section name="runs" title="Runs">
      {snapshot.backends.length === 0 ? (
        <p data-oai-empty="">
          No oai-runs entries in the cache yet. Start a run with <code>useRunStream</code>, or read one with{' '}
          <code>useRun</code> or <code>useRuns</code>, and it shows up here.
        </p>
      ) : (
        // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys between the buttons it holds
        <div data-oai-devtools-tree="" onKeyDown={onRunKeys}>
          {snapshot.backends.map((backend) => (
            <div key={backend.scope} data-oai-devtools-backend="">
              <h4>
                Backend <code>{backend.scope}</code>
              </h4>
              <ul aria-label={`Threads of ${backend.scope}`}>
                {backend.threads.map((thread) => (
                  <li key={thread.threadId} data-oai-devtools-thread="">
                    <span data-oai-devtools-thread-label="">
                      Thread <code>{thread.threadId}</code>
                      {thread.held ? <span data-oai-devtools-live=""> · held by a stream</span> : null}
                    </span>
                    {thread.runs.length === 0 ? (
                      <p data-oai-empty="">No runs of this thread in the cache (only its messages).</p>
                    ) : (
                      <ul aria-label={`Runs of ${thread.threadId}`}>
                        {thread.runs.map((run) => (
                          <li key={run.id}>
                            <RunListTrigger
                              run={run.run}
                              selected={run.id === selected?.id}
                              data-oai-devtools-run=""
                              data-state={run.run.status}
                              onClick={() => onSelect(run)}
                            >
                              <RunStatusBadge status={run.run.status} /> <code>{run.run.id}</code>{' '}
                              <time dateTime={isoTime(run.run.created_at)}>
                                <ClockTime seconds={run.run.created_at} />
                              </time>
                              {run.streaming ? <span data-oai-devtools-live=""> · streaming</span> : null}
                            </RunListTrigger>
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </Section>
  )
}

function SelectedRunSection({
  queryClient,
  selected,
  version,
}: {
  queryClient: QueryClient
  selected: CachedRun | undefined
  version: number
}) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` says when the cache changed
  const contents = useMemo(
    () =>
      selected
        ? runContents(
            // Only the run's thread: its steps and messages are under the thread's key.
            queryClient.getQueryCache().findAll({ queryKey: runKeys.thread(selected.scope, selected) }),
            { ...selected, runId: selected.run.id },
          )
        : null,
    [queryClient, selected, version],
  )
  if (!selected || !contents) {
    return (
      <Section name="run" title="Selected run">
        <p data-oai-empty="">Select a run to see its timeline and JSON.</p>
      </Section>
    )
  }
  return (
    <Section
      name="run"
      title={
        <>
          Selected run <code>{selected.run.id}</code>
        </>
      }
    >
      <RunTimeline
        run={selected.run}
        steps={contents.steps}
        messages={contents.messages}
        live={selected.streaming}
        contentOptions={CONTENT_OPTIONS}
      />
      <h4>JSON</h4>
      {/* A text node: React escapes it, nothing is parsed as HTML. Focusable, since it may scroll. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1) */}
      <pre data-oai-devtools-json="" tabIndex={0}>
        {JSON.stringify(selected.run, null, 2)}
      </pre>
    </Section>
  )
}

function LogSection({ activity, logLimit }: { activity: Activity; logLimit: number }) {
  const { log, paused, setPaused, clear } = activity
  return (
    <Section name="log" title="Cache log">
      <div data-oai-devtools-log-actions="">
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          Pause
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
        <span data-oai-devtools-log-count="">
          {log.length} of the last {logLimit} events{paused ? ' · paused' : ''}
        </span>
      </div>
      {log.length === 0 ? (
        <p data-oai-empty="">
          {paused
            ? 'Logging is paused: press Pause again to record cache activity.'
            : 'No oai-runs cache activity yet: queries added, updated and removed show up here as they happen.'}
        </p>
      ) : (
        // Newest first. Focusable, since it may scroll.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1)
        <ol aria-label="Cache events, newest first" data-oai-devtools-log="" tabIndex={0}>
          {log
            .slice()
            .reverse()
            .map((entry) => (
              <li key={entry.id} data-oai-devtools-event={entry.event.split(':')[0]}>
                <time dateTime={new Date(entry.at).toISOString()}>{logTime(entry.at)}</time>{' '}
                <span data-oai-devtools-event-name="">
                  {entry.target === 'mutation' ? 'mutation ' : ''}
                  {entry.event}
                </span>{' '}
                <code data-oai-devtools-key="" title={entry.scope}>
                  {entry.path}
                </code>{' '}
                <span data-oai-devtools-status="">{entry.status}</span>
              </li>
            ))}
        </ol>
      )}
    </Section>
  )
}
