'use client'
// RunTimeline: one run from creation to its end: status transitions with times, steps in order, usage,
// last_error / incomplete_details, and the expiry countdown while it requires action. Live while streaming.
import type { Message, Run, RunStep as RunStepObject } from '@oai-runs/client'
import { forwardRef, useEffect, useRef, useState } from 'react'
import { ClockTime } from '../internal/clock-time.tsx'
import { countdown, isoTime, spokenDuration, statusLabel, usageText } from '../internal/format.ts'
import { Primitive, type PrimitiveProps, visuallyHidden } from '../internal/primitive.tsx'
import { useNow } from '../internal/use-now.ts'
import type { MessageContentOptions } from '../message-content/MessageContent.tsx'
import { RunStatusBadge } from '../run-status-badge/RunStatusBadge.tsx'
import { RunStep, type RunStepProps, type StepMessageDisplay } from '../run-step-list/RunStep.tsx'
import { sortSteps } from '../run-step-list/RunStepList.tsx'
import { deriveTransitions, type RunTransition } from './transitions.ts'

const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'failed',
  'cancelled',
  'expired',
  'incomplete',
])

/** Records each status change a run shows while mounted, with the local time it was seen. */
export function useObservedTransitions(run: Run | null | undefined): RunTransition[] {
  const [observed, setObserved] = useState<RunTransition[]>([])
  const last = useRef<string | null>(null)
  const status = run?.status ?? null
  useEffect(() => {
    // The status at mount is not a change we saw happen; its time is unknown, so it is not recorded.
    if (status && last.current && status !== last.current) {
      setObserved((previous) => [...previous, { status, at: Math.floor(Date.now() / 1000) }])
    }
    last.current = status ?? last.current
  }, [status])
  return observed
}

// PARTS

/** Props of `RunTimeline.Root`. */
export type RunTimelineRootProps = PrimitiveProps<'section'> & {
  run: Run | null
  /** True while a stream feeds the run (sets `data-live`). */
  live?: boolean | undefined
}

/** The timeline's section, labelled by the run; `data-state` is the run status. */
export const RunTimelineRoot = forwardRef<HTMLElement, RunTimelineRootProps>(
  ({ run, live, ...props }, ref) => (
    <Primitive.section
      aria-label={run ? `Run ${run.id}` : 'Run'}
      data-oai-timeline=""
      data-state={run?.status ?? 'loading'}
      data-live={live ? '' : undefined}
      aria-busy={!run || undefined}
      {...props}
      ref={ref}
    />
  ),
)
RunTimelineRoot.displayName = 'RunTimeline.Root'

/** Props of `RunTimeline.Header`. */
export type RunTimelineHeaderProps = PrimitiveProps<'header'> & { run: Run }

/** The run's status badge, id and model. */
export const RunTimelineHeader = forwardRef<HTMLElement, RunTimelineHeaderProps>(
  ({ run, children, ...props }, ref) => (
    <Primitive.header data-oai-timeline-header="" {...props} ref={ref}>
      <RunStatusBadge status={run.status} />
      <code data-oai-run-id="">{run.id}</code>
      {run.model ? (
        <span data-oai-model="">
          <bdi>{run.model}</bdi>
        </span>
      ) : null}
      {children}
    </Primitive.header>
  ),
)
RunTimelineHeader.displayName = 'RunTimeline.Header'

/** Props of `RunTimeline.List`. */
export type RunTimelineListProps = PrimitiveProps<'ol'>

/** The ordered list of transitions and steps. */
export const RunTimelineList = forwardRef<HTMLOListElement, RunTimelineListProps>((props, ref) => (
  <Primitive.ol aria-label="Timeline" data-oai-timeline-list="" {...props} ref={ref} />
))
RunTimelineList.displayName = 'RunTimeline.List'

/** Props of `RunTimeline.Transition`. */
export type RunTimelineTransitionProps = PrimitiveProps<'li'> & { transition: RunTransition }

/** One status change with its time. */
export const RunTimelineTransition = forwardRef<HTMLLIElement, RunTimelineTransitionProps>(
  ({ transition, children, ...props }, ref) => (
    <Primitive.li data-oai-transition="" data-state={transition.status} {...props} ref={ref}>
      {children ?? (
        <>
          <span data-oai-transition-label="">{statusLabel(transition.status)}</span>
          {transition.estimated ? null : (
            <>
              {' '}
              <time dateTime={isoTime(transition.at)}>
                <ClockTime seconds={transition.at} />
              </time>
            </>
          )}
        </>
      )}
    </Primitive.li>
  ),
)
RunTimelineTransition.displayName = 'RunTimeline.Transition'

/** Props of `RunTimeline.Usage`. */
export type RunTimelineUsageProps = PrimitiveProps<'p'> & { usage: Run['usage'] }

/** The run's token usage; nothing until the run reports it. */
export const RunTimelineUsage = forwardRef<HTMLParagraphElement, RunTimelineUsageProps>(
  ({ usage, ...props }, ref) =>
    usage ? (
      <Primitive.p data-oai-usage="" {...props} ref={ref}>
        Usage: {usageText(usage)}
      </Primitive.p>
    ) : null,
)
RunTimelineUsage.displayName = 'RunTimeline.Usage'

/** Props of `RunTimeline.Error`. */
export type RunTimelineErrorProps = PrimitiveProps<'p'> & { run: Run }

/** Why the run failed (`last_error`) or stopped early (`incomplete_details`); nothing otherwise. */
export const RunTimelineError = forwardRef<HTMLParagraphElement, RunTimelineErrorProps>(
  ({ run, ...props }, ref) => {
    if (run.last_error) {
      return (
        <Primitive.p data-oai-error="" data-state={run.last_error.code} {...props} ref={ref}>
          Failed: <bdi>{run.last_error.message}</bdi> ({run.last_error.code})
        </Primitive.p>
      )
    }
    if (run.status === 'incomplete' || run.incomplete_details) {
      const reason = run.incomplete_details?.reason
      return (
        <Primitive.p data-oai-error="" data-state="incomplete" {...props} ref={ref}>
          Incomplete{reason ? `: the run hit ${reason.replace(/_/g, ' ')}` : ''}.
        </Primitive.p>
      )
    }
    if (run.status === 'expired') {
      return (
        <Primitive.p data-oai-error="" data-state="expired" {...props} ref={ref}>
          Expired: tool outputs did not arrive before the run's deadline.
        </Primitive.p>
      )
    }
    return null
  },
)
RunTimelineError.displayName = 'RunTimeline.Error'

/** Props of `RunTimeline.Countdown`. */
export type RunTimelineCountdownProps = PrimitiveProps<'p'> & {
  run: Run
  /** The clock, for tests and stories. @defaultValue Date.now */
  now?: (() => number) | undefined
}

/** Time left until `expires_at` while the run requires action (a silent `timer`); nothing otherwise. */
export const RunTimelineCountdown = forwardRef<HTMLParagraphElement, RunTimelineCountdownProps>(
  ({ run, now, ...props }, ref) => {
    const active = run.status === 'requires_action' && run.expires_at != null
    const seconds = useNow(active, now)
    if (!active) {
      return null
    }
    const left = Math.max(0, (run.expires_at ?? 0) - seconds)
    return (
      <Primitive.p
        role="timer"
        aria-label={`Time left for tool outputs: ${spokenDuration(left)}`}
        data-oai-countdown=""
        data-state={left === 0 ? 'expired' : left <= 60 ? 'urgent' : 'running'}
        {...props}
        ref={ref}
      >
        Waiting for tool outputs · expires in {countdown(left)}
      </Primitive.p>
    )
  },
)
RunTimelineCountdown.displayName = 'RunTimeline.Countdown'

/** Props of `RunTimeline.Announcer`. */
export type RunTimelineAnnouncerProps = PrimitiveProps<'div'> & { run: Run | null }

/** A visually hidden live region announcing each status change (not the initial status). */
export const RunTimelineAnnouncer = forwardRef<HTMLDivElement, RunTimelineAnnouncerProps>(
  ({ run, ...props }, ref) => {
    const status = run?.status
    const previous = useRef(status)
    const mounted = useRef(false)
    const [text, setText] = useState('')
    useEffect(() => {
      // The status present at mount is not news; every later change is (including loading → first status).
      if (mounted.current && status && status !== previous.current) {
        setText(`Run status: ${statusLabel(status)}`)
      }
      mounted.current = true
      previous.current = status
    }, [status])
    return (
      <Primitive.div role="status" data-oai-announcer="" style={visuallyHidden} {...props} ref={ref}>
        {text}
      </Primitive.div>
    )
  },
)
RunTimelineAnnouncer.displayName = 'RunTimeline.Announcer'

// COMPOSITE

/** Props of `RunTimeline`. */
export type RunTimelineProps = Omit<RunTimelineRootProps, 'children' | 'run'> & {
  run: Run | null | undefined
  steps?: readonly RunStepObject[] | undefined
  /** Messages created by the run's steps, shown inline. */
  messages?: readonly Message[] | undefined
  /** Transitions you recorded yourself; by default they come from timestamps plus live observation. */
  transitions?: readonly RunTransition[] | undefined
  /** The clock, for tests and stories. @defaultValue Date.now */
  now?: (() => number) | undefined
  /** Props for every step entry. */
  stepProps?: Partial<Omit<RunStepProps, 'step'>> | undefined
  /** How created messages render (file links, images, link target, headings), passed to every step. */
  contentOptions?: MessageContentOptions | undefined
  /** Created messages in full, or as closed previews that open to them (`'preview'`). @defaultValue 'content' */
  messageDisplay?: StepMessageDisplay | undefined
}

const RunTimelineComposite = forwardRef<HTMLElement, RunTimelineProps>(function RunTimelineComposite(
  { run, steps = [], messages, transitions, live, now, stepProps, contentOptions, messageDisplay, ...props },
  ref,
) {
  const observed = useObservedTransitions(run)
  if (!run) {
    return (
      <RunTimelineRoot run={null} live={live} {...props} ref={ref}>
        <p data-oai-empty="">Loading run…</p>
        <RunTimelineAnnouncer key="announcer" run={null} />
      </RunTimelineRoot>
    )
  }
  const byMessageId = new Map((messages ?? []).map((message) => [message.id, message]))
  const entries: Array<{ at: number; order: number; node: React.ReactNode }> = []
  const lastStepAt = Math.max(0, ...steps.map((step) => step.created_at || 0))
  deriveTransitions(run, transitions ?? observed).forEach((transition, index) => {
    entries.push({
      // A status with no known time is the run's current one: it goes after every step.
      at: transition.estimated ? Math.max(transition.at, lastStepAt) : transition.at,
      // Timestamps are whole seconds: at a tie, the run's terminal status comes after its steps.
      order: TERMINAL_STATUSES.has(transition.status) || transition.estimated ? 20_000 + index : index,
      // biome-ignore lint/suspicious/noArrayIndexKey: a status may repeat (queued again after a submit)
      node: <RunTimelineTransition key={`t-${transition.status}-${index}`} transition={transition} />,
    })
  })
  sortSteps(steps).forEach((step, index) => {
    const messageId =
      step.step_details?.type === 'message_creation'
        ? step.step_details.message_creation?.message_id
        : undefined
    entries.push({
      at: step.created_at || Number.MAX_SAFE_INTEGER,
      order: 10_000 + index,
      node: (
        <RunStep
          key={step.id}
          step={step}
          message={messageId ? byMessageId.get(messageId) : undefined}
          contentOptions={contentOptions}
          messageDisplay={messageDisplay}
          {...stepProps}
        />
      ),
    })
  })
  entries.sort((a, b) => a.at - b.at || a.order - b.order)
  return (
    <RunTimelineRoot run={run} live={live} {...props} ref={ref}>
      <RunTimelineHeader run={run} />
      <RunTimelineCountdown run={run} now={now} />
      <RunTimelineList>{entries.map((entry) => entry.node)}</RunTimelineList>
      <RunTimelineError run={run} />
      <RunTimelineUsage usage={run.usage} />
      <RunTimelineAnnouncer key="announcer" run={run} />
    </RunTimelineRoot>
  )
})

/**
 * A run from creation to its end: status transitions with times, steps and tool calls in order, usage,
 * errors, and the expiry countdown while it waits for tool outputs; status changes are announced.
 * @example
 * <RunTimeline run={run} steps={steps} messages={messages} live={stream.status === 'streaming'} />
 */
export const RunTimeline = Object.assign(RunTimelineComposite, {
  Root: RunTimelineRoot,
  Header: RunTimelineHeader,
  List: RunTimelineList,
  Transition: RunTimelineTransition,
  Step: RunStep,
  Countdown: RunTimelineCountdown,
  Error: RunTimelineError,
  Usage: RunTimelineUsage,
  Announcer: RunTimelineAnnouncer,
})
