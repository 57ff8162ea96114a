'use client'
// CancelRunButton: asks the server to cancel a run and shows `cancelling` at once (optimistic), until the run
// says `cancelled`; a run that already ended is a no-op (F11); other failures roll back with an error.
import type { RunStatus } from '@oai-runs/client'
import { forwardRef, useEffect, useRef, useState } from 'react'
import { Primitive, type PrimitiveProps, visuallyHidden } from '../internal/primitive.tsx'
import { isActiveStatus } from '../internal/status.ts'

/** What the button shows. */
export type CancelRunButtonState = 'idle' | 'cancelling' | 'cancelled' | 'unavailable'

/** The button's state for a run status and whether a cancel was requested here. */
export function cancelButtonState(status: string | undefined, requested: boolean): CancelRunButtonState {
  if (status === 'cancelled') {
    return 'cancelled'
  }
  if (status === 'cancelling' || (requested && status !== undefined && isActiveStatus(status))) {
    return 'cancelling'
  }
  return status !== undefined && isActiveStatus(status) ? 'idle' : 'unavailable'
}

/** Props of `CancelRunButton.Button`. */
export type CancelRunButtonButtonProps = PrimitiveProps<'button'> & {
  /** The run's current status. */
  status: RunStatus | (string & {}) | undefined
  /** Cancels the run (e.g. `cancel.mutateAsync(ids)`); a rejection rolls the optimistic state back. */
  onCancel: () => unknown
  /** Called with a failure other than "Cannot cancel run with status 'X'" (which is treated as a no-op). */
  onCancelError?: ((error: unknown) => void) | undefined
}

function isAlreadyEnded(error: unknown): boolean {
  const name = error instanceof Error ? error.name : ''
  const message = error instanceof Error ? error.message : ''
  return name === 'CannotCancelRunError' || /Cannot cancel run with status/.test(message)
}

/** The button; stays focusable (`aria-disabled`) while cancelling so focus is never lost. */
export const CancelRunButtonButton = forwardRef<HTMLButtonElement, CancelRunButtonButtonProps>(
  ({ status, onCancel, onCancelError, onClick, children, ...props }, ref) => {
    const [requested, setRequested] = useState(false)
    const inFlight = useRef(false)
    const state = cancelButtonState(status, requested)
    return (
      <Primitive.button
        type="button"
        data-oai-cancel=""
        data-state={state}
        aria-disabled={state !== 'idle' || undefined}
        onClick={async (event) => {
          onClick?.(event)
          if (state !== 'idle' || inFlight.current || event.defaultPrevented) {
            return
          }
          inFlight.current = true
          setRequested(true)
          try {
            await onCancel()
          } catch (error) {
            setRequested(false)
            if (!isAlreadyEnded(error)) {
              onCancelError?.(error)
            }
          } finally {
            inFlight.current = false
          }
        }}
        {...props}
        ref={ref}
      >
        {children ??
          (state === 'cancelling' ? 'Cancelling…' : state === 'cancelled' ? 'Cancelled' : 'Cancel run')}
      </Primitive.button>
    )
  },
)
CancelRunButtonButton.displayName = 'CancelRunButton.Button'

/** Props of `CancelRunButton.Status`. */
export type CancelRunButtonStatusProps = PrimitiveProps<'span'> & { message: string }

/** A visually hidden live region for cancel progress and errors. */
export const CancelRunButtonStatus = forwardRef<HTMLSpanElement, CancelRunButtonStatusProps>(
  ({ message, ...props }, ref) => (
    <Primitive.span role="status" data-oai-cancel-status="" style={visuallyHidden} {...props} ref={ref}>
      {message}
    </Primitive.span>
  ),
)
CancelRunButtonStatus.displayName = 'CancelRunButton.Status'

/** Props of `CancelRunButton`. */
export type CancelRunButtonProps = CancelRunButtonButtonProps

const CancelRunButtonComposite = forwardRef<HTMLButtonElement, CancelRunButtonProps>(
  function CancelRunButtonComposite({ status, onCancelError, ...props }, ref) {
    const [error, setError] = useState<string | null>(null)
    const [message, setMessage] = useState('')
    const previous = useRef(status)
    useEffect(() => {
      if (status !== previous.current) {
        if (status === 'cancelling') {
          setMessage('Cancelling the run…')
        } else if (status === 'cancelled') {
          setMessage('Run cancelled.')
        } else if (previous.current === 'cancelling' && status) {
          setMessage(`The run ended as ${status.replace(/_/g, ' ')} before it could be cancelled.`)
        }
        previous.current = status
      }
    }, [status])
    return (
      <>
        <CancelRunButtonButton
          status={status}
          onCancelError={(failure) => {
            const text = failure instanceof Error ? failure.message : String(failure)
            setError(text)
            setMessage(`Cancelling failed: ${text}`)
            onCancelError?.(failure)
          }}
          onClickCapture={() => setError(null)}
          {...props}
          ref={ref}
        />
        {error ? (
          <span data-oai-error="" role="alert">
            Cancelling failed: {error}
          </span>
        ) : null}
        <CancelRunButtonStatus message={error ? '' : message} />
      </>
    )
  },
)

/**
 * A button that cancels a run optimistically: "Cancelling…" at once, "Cancelled" once the server confirms,
 * rolled back with an error if the request fails.
 * @example
 * <CancelRunButton status={run.status} onCancel={() => cancel.mutateAsync({ threadId, runId })} />
 */
export const CancelRunButton = Object.assign(CancelRunButtonComposite, {
  Button: CancelRunButtonButton,
  Status: CancelRunButtonStatus,
})
