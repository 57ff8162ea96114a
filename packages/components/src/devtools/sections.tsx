'use client'
// RunsDevtools' panel sections: the runs by backend and thread (arrow keys move between them), the selected run's
// timeline and raw JSON, and the cache log.
import { runKeys } from '@oai-runs/client/react'
import type { QueryClient } from '@tanstack/react-query'
import { type KeyboardEvent, type ReactNode, useId, useMemo } from 'react'
import { ClockTime } from '../internal/clock-time.tsx'
import { isoTime } from '../internal/format.ts'
import type { MessageContentOptions } from '../message-content/MessageContent.tsx'
import { RunListTrigger } from '../run-list/RunList.tsx'
import { RunStatusBadge } from '../run-status-badge/RunStatusBadge.tsx'
import { RunTimeline } from '../run-timeline/RunTimeline.tsx'
import { type CacheActivity, type CachedRun, type CacheSnapshot, runContents } from './cache-model.ts'

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

export function RunsSection({
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

export function SelectedRunSection({
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
        // The app beside the devtools shows the messages: here each is a first line that opens on demand, so a
        // streaming reply is not rendered, laid out and painted a second time.
        messageDisplay="preview"
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

export function LogSection({ activity, logLimit }: { activity: CacheActivity; logLimit: number }) {
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
