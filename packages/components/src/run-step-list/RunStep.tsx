'use client'
// RunStep: one run step (message creation or tool calls) with status, time, details, error and usage.
import { isKnownToolCall, type Message, type RunStep as RunStepObject, type ToolCall } from '@oai-runs/client'
import { Fragment, forwardRef, memo, useState } from 'react'
import { ClockTime } from '../internal/clock-time.tsx'
import { isoTime, usageText } from '../internal/format.ts'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import { MessageContent, type MessageContentOptions } from '../message-content/MessageContent.tsx'
import { RunStatusBadge } from '../run-status-badge/RunStatusBadge.tsx'
import { ToolCallView } from '../tool-call-view/ToolCallView.tsx'

// What a step title calls a tool call: the function's name, else the tool (another host's: its type as sent).
function callName(call: ToolCall): string | undefined {
  if (!isKnownToolCall(call)) {
    return typeof call.type === 'string' ? call.type : undefined
  }
  return call.type === 'function'
    ? call.function?.name
    : call.type === 'code_interpreter'
      ? 'code interpreter'
      : 'file search'
}

/** A short title of a step, e.g. "Tool calls: get_weather, get_time" or "Message". */
export function stepTitle(step: RunStepObject): string {
  const details = step.step_details
  if (details?.type === 'tool_calls') {
    const names = (details.tool_calls ?? []).map(callName)
    return names.length ? `Tool calls: ${names.join(', ')}` : 'Tool calls'
  }
  return 'Message'
}

/** Props of `RunStep.Root`. */
export type RunStepRootProps = PrimitiveProps<'li'> & { step: RunStepObject }

/** The list item of one step; `data-state` is the step status and `data-type` its type. */
export const RunStepRoot = forwardRef<HTMLLIElement, RunStepRootProps>(({ step, ...props }, ref) => (
  <Primitive.li data-oai-step="" data-state={step.status} data-type={step.type} {...props} ref={ref} />
))
RunStepRoot.displayName = 'RunStep.Root'

// The title with each tool name isolated: a name's bidi controls cannot reorder the names after it.
function StepTitleText({ step }: { step: RunStepObject }) {
  const details = step.step_details
  if (details?.type !== 'tool_calls' || !details.tool_calls?.length) {
    return stepTitle(step)
  }
  return (
    <>
      Tool calls:{' '}
      {details.tool_calls.map((call, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the calls of a step keep their order
        <Fragment key={index}>
          {index > 0 ? ', ' : null}
          <bdi>{callName(call)}</bdi>
        </Fragment>
      ))}
    </>
  )
}

/** Props of `RunStep.Title`. */
export type RunStepTitleProps = PrimitiveProps<'span'> & { step: RunStepObject }

/** The step's title. */
export const RunStepTitle = forwardRef<HTMLSpanElement, RunStepTitleProps>(
  ({ step, children, ...props }, ref) => (
    <Primitive.span data-oai-step-title="" {...props} ref={ref}>
      {children ?? <StepTitleText step={step} />}
    </Primitive.span>
  ),
)
RunStepTitle.displayName = 'RunStep.Title'

/** Props of `RunStep.Time`. */
export type RunStepTimeProps = PrimitiveProps<'time'> & { seconds: number }

/** A step timestamp as a `<time>` element. */
export const RunStepTime = forwardRef<HTMLTimeElement, RunStepTimeProps>(
  ({ seconds, children, ...props }, ref) => (
    <Primitive.time data-oai-time="" dateTime={isoTime(seconds)} {...props} ref={ref}>
      {children ?? <ClockTime seconds={seconds} />}
    </Primitive.time>
  ),
)
RunStepTime.displayName = 'RunStep.Time'

/** Props of `RunStep.Details`. */
export type RunStepDetailsProps = PrimitiveProps<'div'>

/** The container of a step's tool calls or message. */
export const RunStepDetails = forwardRef<HTMLDivElement, RunStepDetailsProps>((props, ref) => (
  <Primitive.div data-oai-step-details="" {...props} ref={ref} />
))
RunStepDetails.displayName = 'RunStep.Details'

/** Props of `RunStep.Error`. */
export type RunStepErrorProps = PrimitiveProps<'p'> & { error: RunStepObject['last_error'] }

/** A failed step's `last_error`; renders nothing without one. */
export const RunStepError = forwardRef<HTMLParagraphElement, RunStepErrorProps>(({ error, ...props }, ref) =>
  error ? (
    <Primitive.p data-oai-error="" data-state={error.code} {...props} ref={ref}>
      <bdi>{error.message}</bdi> ({error.code})
    </Primitive.p>
  ) : null,
)
RunStepError.displayName = 'RunStep.Error'

/** Props of `RunStep.Usage`. */
export type RunStepUsageProps = PrimitiveProps<'span'> & { usage: RunStepObject['usage'] }

/** A step's token usage; renders nothing until the server reports it. */
export const RunStepUsage = forwardRef<HTMLSpanElement, RunStepUsageProps>(({ usage, ...props }, ref) =>
  usage ? (
    <Primitive.span data-oai-usage="" {...props} ref={ref}>
      {usageText(usage)}
    </Primitive.span>
  ) : null,
)
RunStepUsage.displayName = 'RunStep.Usage'

/**
 * How a message_creation step shows its message: `'content'` renders it in full; `'preview'` shows its first
 * line, closed, and renders the content only once opened (for a pane beside a chat that already shows it).
 */
export type StepMessageDisplay = 'content' | 'preview'

const PREVIEW_CHARS = 160

/** The start of a message's text on one line (at most 160 characters), or '' when it has no text yet. */
function messagePreview(message: Message): string {
  let line = ''
  for (const part of message.content ?? []) {
    if (part?.type !== 'text' || typeof part.text?.value !== 'string') {
      continue
    }
    // Read in slices until the collapsed line is long enough: a long streaming reply costs what a short one does.
    const value = part.text.value
    for (let at = 0; at < value.length && line.length <= PREVIEW_CHARS; at += 256) {
      line = `${line}${value.slice(at, at + 256)}`.replace(/\s+/g, ' ')
    }
    line = line.endsWith(' ') ? line : `${line} `
    if (line.length > PREVIEW_CHARS + 1) {
      break
    }
  }
  line = line.trim()
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1)}…` : line
}

/** Props of `RunStep.Message`. */
export type RunStepMessageProps = Omit<PrimitiveProps<'details'>, 'children' | 'open' | 'onToggle'> & {
  message: Message
  /** Passed to the content once it is open. */
  contentOptions?: MessageContentOptions | undefined
  /** Open at first. @defaultValue false */
  defaultOpen?: boolean | undefined
}

/**
 * A created message as a disclosure: closed, its first line (text only, bidi-isolated); open, its content. The
 * content is not rendered while closed, so a message that streams costs a closed step almost nothing.
 */
export const RunStepMessage = forwardRef<HTMLDetailsElement, RunStepMessageProps>(
  ({ message, contentOptions, defaultOpen = false, ...props }, ref) => {
    const [open, setOpen] = useState(defaultOpen)
    const preview = messagePreview(message)
    return (
      <Primitive.details
        data-oai-step-message=""
        data-state={open ? 'open' : 'closed'}
        {...props}
        open={open}
        onToggle={(event) => setOpen(event.currentTarget.open)}
        ref={ref}
      >
        <summary>
          <span data-oai-step-message-preview="">{preview ? <bdi>{preview}</bdi> : 'No text yet'}</span>
        </summary>
        {open ? <MessageContent message={message} {...contentOptions} /> : null}
      </Primitive.details>
    )
  },
)
RunStepMessage.displayName = 'RunStep.Message'

/** Props of `RunStep`. */
export type RunStepProps = Omit<RunStepRootProps, 'children'> & {
  /** The message a message_creation step created, to show its content inline. */
  message?: Message | undefined
  /**
   * How the created message renders (file links, images, link target, headings); its `getFileUrl` also
   * resolves code interpreter images.
   */
  contentOptions?: MessageContentOptions | undefined
  /** The created message in full, or as a closed preview that opens to it. @defaultValue 'content' */
  messageDisplay?: StepMessageDisplay | undefined
}

// Memoised: a step whose props kept their identity (the reducer keeps unchanged steps and messages as they were)
// is not rendered again while another step streams, so a long run costs per frame only what changed.
const RunStepComposite = memo(
  forwardRef<HTMLLIElement, RunStepProps>(function RunStepComposite(
    { step, message, contentOptions, messageDisplay = 'content', ...props },
    ref,
  ) {
    const details = step.step_details
    return (
      <RunStepRoot step={step} {...props} ref={ref}>
        <div data-oai-step-header="">
          <RunStepTitle step={step} />
          <RunStatusBadge status={step.status} />
          {step.created_at ? <RunStepTime seconds={step.created_at} /> : null}
        </div>
        <RunStepDetails>
          {details?.type === 'tool_calls' ? (
            (details.tool_calls ?? []).map((toolCall, index) => (
              <ToolCallView
                key={toolCall.id || index}
                toolCall={toolCall}
                getFileUrl={contentOptions?.getFileUrl}
                state={
                  step.status === 'in_progress'
                    ? 'in_progress'
                    : isKnownToolCall(toolCall) &&
                        toolCall.type === 'function' &&
                        toolCall.function?.output == null &&
                        step.status === 'completed'
                      ? 'pending'
                      : step.status
                }
              />
            ))
          ) : message && messageDisplay === 'preview' ? (
            <RunStepMessage message={message} contentOptions={contentOptions} />
          ) : message ? (
            <MessageContent message={message} {...contentOptions} />
          ) : null}
        </RunStepDetails>
        <RunStepError error={step.last_error} />
        <RunStepUsage usage={step.usage} />
      </RunStepRoot>
    )
  }),
)

/**
 * One run step: its title, status, time, tool calls (or created message), error and usage.
 * @example
 * <ol>{steps.map((step) => <RunStep key={step.id} step={step} />)}</ol>
 */
export const RunStep = Object.assign(RunStepComposite, {
  Root: RunStepRoot,
  Title: RunStepTitle,
  Time: RunStepTime,
  Details: RunStepDetails,
  Message: RunStepMessage,
  Error: RunStepError,
  Usage: RunStepUsage,
})
