'use client'
// RunsDevtools: a toggle and a non-modal panel that show what the react-query cache holds for oai-runs: backends →
// threads → runs (status, creation time, live stream), the selected run's timeline and raw JSON, and a capped log
// of cache activity. It only reads the cache (never fetches), so it works with or without a RunsClientProvider.
// The panel's sections are in sections.tsx, the reading of the cache in cache-model.ts.
import { notifyManager, type QueryClient, QueryClientContext } from '@tanstack/react-query'
import {
  type KeyboardEvent,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react'
import {
  type CacheActivity,
  type CachedRun,
  type CacheSnapshot,
  collectRuns,
  isThreadHeld,
  type LogEntry,
  mutationLogEntry,
  queryLogEntry,
} from './cache-model.ts'
import { LogSection, RunsSection, SelectedRunSection } from './sections.tsx'

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

/** Subscribes to the query and mutation caches: the capped log of oai-runs events and a version for re-reading. */
function useCacheActivity(queryClient: QueryClient | null, limit: number): CacheActivity {
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

function DevtoolsBody({
  queryClient,
  activity,
  logLimit,
}: {
  queryClient: QueryClient
  activity: CacheActivity
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
