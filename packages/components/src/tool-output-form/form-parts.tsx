'use client'
// The tool-output form's form-level parts: Countdown, Notice, Submit, RunTools, Copy, Restart. They read the
// form's state from context (ToolOutputForm.Root, use-tool-output-form.ts).
import { forwardRef } from 'react'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import { assignRef, useFormContext } from './context.ts'

/** Props of `ToolOutputForm.Countdown`. */
export type ToolOutputFormCountdownProps = PrimitiveProps<'p'>

/** Time left until `expires_at` (a `timer`, not announced every second); "Expired" afterwards. */
export const ToolOutputFormCountdown = forwardRef<HTMLParagraphElement, ToolOutputFormCountdownProps>(
  (props, ref) => {
    const { secondsLeft, getCountdownProps } = useFormContext('Countdown')
    if (secondsLeft === null) {
      return null
    }
    const { children, ...timer } = getCountdownProps()
    return (
      <Primitive.p {...timer} {...props} ref={ref}>
        {children}
      </Primitive.p>
    )
  },
)
ToolOutputFormCountdown.displayName = 'ToolOutputForm.Countdown'

/** Props of `ToolOutputForm.Notice`. */
export type ToolOutputFormNoticeProps = PrimitiveProps<'div'>

/**
 * The form's status messages in a live region (errors assertive, progress polite); focused after a failed
 * submit so keyboard and screen-reader users land on the explanation.
 */
export const ToolOutputFormNotice = forwardRef<HTMLDivElement, ToolOutputFormNoticeProps>((props, ref) => {
  const { getNoticeProps } = useFormContext('Notice')
  const { children, ref: noticeRef, ...notice } = getNoticeProps()
  return (
    <Primitive.div
      {...notice}
      {...props}
      ref={(element: HTMLDivElement | null) => {
        noticeRef.current = element
        assignRef(ref, element)
      }}
    >
      {children}
    </Primitive.div>
  )
})
ToolOutputFormNotice.displayName = 'ToolOutputForm.Notice'

/** Props of `ToolOutputForm.Submit`. */
export type ToolOutputFormSubmitProps = PrimitiveProps<'button'>

/** Submits every output in one request; stays focusable (`aria-disabled`) while submitting. */
export const ToolOutputFormSubmit = forwardRef<HTMLButtonElement, ToolOutputFormSubmitProps>(
  ({ children, ...props }, ref) => {
    const { getSubmitButtonProps } = useFormContext('Submit')
    const { children: label, ...button } = getSubmitButtonProps()
    return (
      <Primitive.button {...button} {...props} ref={ref}>
        {children ?? label}
      </Primitive.button>
    )
  },
)
ToolOutputFormSubmit.displayName = 'ToolOutputForm.Submit'

/** Props of `ToolOutputForm.RunTools`. */
export type ToolOutputFormRunToolsProps = PrimitiveProps<'button'>

/** Fills the outputs by running `handlers`; renders nothing without handlers. */
export const ToolOutputFormRunTools = forwardRef<HTMLButtonElement, ToolOutputFormRunToolsProps>(
  ({ children, ...props }, ref) => {
    const { runHandlers, state } = useFormContext('RunTools')
    if (!runHandlers || state === 'expired' || state === 'closed' || state === 'submitted') {
      return null
    }
    return (
      <Primitive.button
        type="button"
        data-oai-run-tools=""
        onClick={() => void runHandlers()}
        {...props}
        ref={ref}
      >
        {children ?? 'Run tools'}
      </Primitive.button>
    )
  },
)
ToolOutputFormRunTools.displayName = 'ToolOutputForm.RunTools'

/** Props of `ToolOutputForm.Copy`. */
export type ToolOutputFormCopyProps = PrimitiveProps<'button'>

/** Copies every output as JSON; shown once the form can no longer submit (expired or closed). */
export const ToolOutputFormCopy = forwardRef<HTMLButtonElement, ToolOutputFormCopyProps>(
  ({ children, ...props }, ref) => {
    const { copyValues, copied, state } = useFormContext('Copy')
    if (state !== 'expired' && state !== 'closed') {
      return null
    }
    return (
      <Primitive.button
        type="button"
        data-oai-copy=""
        data-state={copied ? 'copied' : 'idle'}
        onClick={() => void copyValues()}
        {...props}
        ref={ref}
      >
        {children ?? (copied ? 'Copied' : 'Copy outputs')}
      </Primitive.button>
    )
  },
)
ToolOutputFormCopy.displayName = 'ToolOutputForm.Copy'

/** Props of `ToolOutputForm.Restart`. */
export type ToolOutputFormRestartProps = PrimitiveProps<'button'>

/** "Start a new run", offered when expired and `onRestart` is given. */
export const ToolOutputFormRestart = forwardRef<HTMLButtonElement, ToolOutputFormRestartProps>(
  ({ children, ...props }, ref) => {
    const { onRestart, state } = useFormContext('Restart')
    if (!onRestart || state !== 'expired') {
      return null
    }
    return (
      <Primitive.button type="button" data-oai-restart="" onClick={onRestart} {...props} ref={ref}>
        {children ?? 'Start a new run'}
      </Primitive.button>
    )
  },
)
ToolOutputFormRestart.displayName = 'ToolOutputForm.Restart'
