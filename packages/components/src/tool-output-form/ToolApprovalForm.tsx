'use client'
// ToolApprovalForm: answers a run whose `required_action` is `submit_tool_approval` (Azure AI Agents' hosted tools,
// e.g. MCP): approve or reject each call, then one submit of every decision (`tool_approvals`). Nothing runs here.
import type { ApprovalToolCall, RunStatus, ToolApproval } from '@oai-runs/client'
import { createContext, forwardRef, useContext, useEffect, useId, useRef, useState } from 'react'
import { parseArguments } from '../internal/format.ts'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import { useControllableState } from '../internal/use-controllable-state.ts'

/** The decisions by call id: `true` approves, `false` rejects, absent is undecided. */
export type ToolApprovalValues = Readonly<Record<string, boolean>>

/** Where the form stands: `open` (deciding), `submitting`, `submitted`, `error` (the submit failed) or `closed`. */
export type ToolApprovalFormState = 'open' | 'submitting' | 'submitted' | 'error' | 'closed'

type FormContextValue = {
  formId: string
  values: ToolApprovalValues
  decide: (id: string, approve: boolean) => void
  state: ToolApprovalFormState
  pending: number
  error: string | null
}

const FormContext = createContext<FormContextValue | null>(null)
const FieldContext = createContext<ApprovalToolCall | null>(null)

function useFormContext(part: string): FormContextValue {
  const context = useContext(FormContext)
  if (!context) {
    throw new Error(`ToolApprovalForm.${part} must be inside ToolApprovalForm.Root.`)
  }
  return context
}

function useFieldContext(part: string): ApprovalToolCall {
  const call = useContext(FieldContext)
  if (!call) {
    throw new Error(`ToolApprovalForm.${part} must be inside ToolApprovalForm.Field.`)
  }
  return call
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

/** What a call awaiting approval is called: its function's or hosted tool's name, else its type. */
export function approvalCallName(call: ApprovalToolCall): string {
  const fn = (call as { function?: { name?: unknown } }).function
  return text(fn?.name) || text((call as Record<string, unknown>).name) || String(call.type)
}

function approvalArguments(call: ApprovalToolCall): string {
  const fn = (call as { function?: { arguments?: unknown } }).function
  return text(fn?.arguments) || text((call as Record<string, unknown>).arguments)
}

// ROOT

/** Props of `ToolApprovalForm.Root`. */
export type ToolApprovalFormRootProps = Omit<PrimitiveProps<'form'>, 'onSubmit' | 'defaultValue'> & {
  /** The calls to decide: `requiredApprovals(run)` (`run.required_action.submit_tool_approval.tool_calls`). */
  toolCalls: readonly ApprovalToolCall[]
  /** The run's current status; anything but `requires_action` closes the form. */
  runStatus?: RunStatus | (string & {}) | undefined
  /** Controlled decisions by call id. */
  value?: ToolApprovalValues | undefined
  /** Initial decisions when uncontrolled. */
  defaultValue?: ToolApprovalValues | undefined
  /** Called with every change of the decisions. */
  onValueChange?: ((values: ToolApprovalValues) => void) | undefined
  /** Sends every decision in one request; reject to keep the form open with the error shown. */
  onSubmit: (approvals: ToolApproval[]) => unknown
  /** Called after `onSubmit` resolved. */
  onSubmitted?: (() => void) | undefined
}

/** The `<form>`: holds one decision per call and submits them all, once, when every call is decided. */
export const ToolApprovalFormRoot = forwardRef<HTMLFormElement, ToolApprovalFormRootProps>(
  (
    { toolCalls, runStatus, value, defaultValue, onValueChange, onSubmit, onSubmitted, children, ...props },
    ref,
  ) => {
    const formId = useId()
    const [values, setValues] = useControllableState(value, defaultValue ?? {}, onValueChange)
    const [phase, setPhase] = useState<'idle' | 'submitting' | 'submitted' | 'error'>('idle')
    const [error, setError] = useState<string | null>(null)
    const submitting = useRef(false) // a ref, not state: a second click in the same tick must see it
    const callKey = toolCalls.map((call) => call.id).join(',')

    // Other call ids are a new question: allow one submit again.
    // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the call ids change
    useEffect(() => {
      submitting.current = false
      setPhase('idle')
      setError(null)
    }, [callKey])

    const closed = runStatus !== undefined && runStatus !== 'requires_action' && phase !== 'submitted'
    const state: ToolApprovalFormState = closed ? 'closed' : phase === 'idle' ? 'open' : phase
    const pending = toolCalls.filter((call) => typeof values[call.id] !== 'boolean').length
    const decide = (id: string, approve: boolean) => setValues({ ...values, [id]: approve })

    const submit = async () => {
      if (submitting.current || pending > 0 || state === 'closed' || state === 'submitted') {
        return
      }
      submitting.current = true
      setPhase('submitting')
      setError(null)
      try {
        await onSubmit(
          toolCalls.map((call) => ({ tool_call_id: call.id, approve: values[call.id] === true })),
        )
        setPhase('submitted')
        onSubmitted?.()
      } catch (caught) {
        submitting.current = false
        setPhase('error')
        setError(caught instanceof Error ? caught.message : String(caught))
      }
    }

    return (
      <FormContext.Provider value={{ formId, values, decide, state, pending, error }}>
        <Primitive.form
          data-oai-tool-approval-form=""
          data-state={state}
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            void submit()
          }}
          {...props}
          ref={ref}
        >
          {children}
        </Primitive.form>
      </FormContext.Provider>
    )
  },
)
ToolApprovalFormRoot.displayName = 'ToolApprovalForm.Root'

// FIELD

/** Props of `ToolApprovalForm.Field`. */
export type ToolApprovalFormFieldProps = PrimitiveProps<'fieldset'> & { toolCall: ApprovalToolCall }

/** One call's `<fieldset>`; `data-state` is `pending`, `approved` or `rejected`, `data-type` the call's type. */
export const ToolApprovalFormField = forwardRef<HTMLFieldSetElement, ToolApprovalFormFieldProps>(
  ({ toolCall, ...props }, ref) => {
    const { values, state } = useFormContext('Field')
    const decision = values[toolCall.id]
    return (
      <FieldContext.Provider value={toolCall}>
        <Primitive.fieldset
          data-oai-tool-approval-field=""
          data-type={toolCall.type}
          data-state={decision === true ? 'approved' : decision === false ? 'rejected' : 'pending'}
          data-call-id={toolCall.id}
          disabled={state === 'submitting' || state === 'submitted' || state === 'closed'}
          {...props}
          ref={ref}
        />
      </FieldContext.Provider>
    )
  },
)
ToolApprovalFormField.displayName = 'ToolApprovalForm.Field'

/** Props of `ToolApprovalForm.Legend`. */
export type ToolApprovalFormLegendProps = PrimitiveProps<'legend'>

/** The call's name and type, and the server that would run it (each isolated: the host and model name them). */
export const ToolApprovalFormLegend = forwardRef<HTMLLegendElement, ToolApprovalFormLegendProps>(
  ({ children, ...props }, ref) => {
    const call = useFieldContext('Legend')
    const server = text((call as Record<string, unknown>).server_label)
    return (
      <Primitive.legend data-oai-tool-approval-legend="" {...props} ref={ref}>
        {children ?? (
          <>
            <bdi>{approvalCallName(call)}</bdi> (<bdi>{String(call.type)}</bdi>
            {server ? (
              <>
                {' on '}
                <bdi>{server}</bdi>
              </>
            ) : null}
            )
          </>
        )}
      </Primitive.legend>
    )
  },
)
ToolApprovalFormLegend.displayName = 'ToolApprovalForm.Legend'

/** Props of `ToolApprovalForm.Arguments`. */
export type ToolApprovalFormArgumentsProps = PrimitiveProps<'pre'>

/** The call's arguments, pretty-printed when JSON, as text. Renders nothing when the call has none. */
export const ToolApprovalFormArguments = forwardRef<HTMLPreElement, ToolApprovalFormArgumentsProps>(
  (props, ref) => {
    const raw = approvalArguments(useFieldContext('Arguments'))
    if (raw === '') {
      return null
    }
    const parsed = parseArguments(raw)
    return (
      <Primitive.pre
        data-oai-arguments=""
        data-state={parsed.ok ? 'valid' : 'malformed'}
        {...props}
        ref={ref}
      >
        {parsed.ok ? parsed.pretty : parsed.raw}
      </Primitive.pre>
    )
  },
)
ToolApprovalFormArguments.displayName = 'ToolApprovalForm.Arguments'

/** Props of `ToolApprovalForm.Choice`. */
export type ToolApprovalFormChoiceProps = PrimitiveProps<'div'> & {
  /** The label of the approving radio. @defaultValue "Approve" */
  approveLabel?: string | undefined
  /** The label of the rejecting radio. @defaultValue "Reject" */
  rejectLabel?: string | undefined
}

/** Two labelled radios, approve and reject, named per call (arrow keys move between them, Space picks). */
export const ToolApprovalFormChoice = forwardRef<HTMLDivElement, ToolApprovalFormChoiceProps>(
  ({ approveLabel = 'Approve', rejectLabel = 'Reject', ...props }, ref) => {
    const { formId, values, decide, state } = useFormContext('Choice')
    const disabled = state === 'submitting' || state === 'submitted' || state === 'closed'
    const call = useFieldContext('Choice')
    const name = `${formId}-${call.id}`
    const decision = values[call.id]
    return (
      <Primitive.div data-oai-tool-approval-choice="" {...props} ref={ref}>
        <label>
          <input
            type="radio"
            name={name}
            value="approve"
            checked={decision === true}
            disabled={disabled}
            onChange={() => decide(call.id, true)}
          />{' '}
          {approveLabel}
        </label>
        <label>
          <input
            type="radio"
            name={name}
            value="reject"
            checked={decision === false}
            disabled={disabled}
            onChange={() => decide(call.id, false)}
          />{' '}
          {rejectLabel}
        </label>
      </Primitive.div>
    )
  },
)
ToolApprovalFormChoice.displayName = 'ToolApprovalForm.Choice'

// NOTICE AND SUBMIT

/** Props of `ToolApprovalForm.Notice`. */
export type ToolApprovalFormNoticeProps = PrimitiveProps<'div'>

/** Why the submit failed (an alert), or that the run no longer waits; empty otherwise. */
export const ToolApprovalFormNotice = forwardRef<HTMLDivElement, ToolApprovalFormNoticeProps>(
  ({ children, ...props }, ref) => {
    const { state, error } = useFormContext('Notice')
    const message =
      state === 'error' && error
        ? error
        : state === 'closed'
          ? 'The run no longer waits for these approvals.'
          : null
    return (
      <Primitive.div data-oai-notice="" role={state === 'error' ? 'alert' : 'status'} {...props} ref={ref}>
        {children ?? (message ? <bdi>{message}</bdi> : null)}
      </Primitive.div>
    )
  },
)
ToolApprovalFormNotice.displayName = 'ToolApprovalForm.Notice'

/** Props of `ToolApprovalForm.Submit`. */
export type ToolApprovalFormSubmitProps = PrimitiveProps<'button'>

/**
 * Submits every decision; `aria-disabled` (still focusable, so focus is never lost) until each call is decided,
 * while submitting and once answered.
 */
export const ToolApprovalFormSubmit = forwardRef<HTMLButtonElement, ToolApprovalFormSubmitProps>(
  ({ children, ...props }, ref) => {
    const { state, pending } = useFormContext('Submit')
    const disabled = pending > 0 || state === 'submitting' || state === 'submitted' || state === 'closed'
    return (
      <Primitive.button
        type="submit"
        data-oai-submit=""
        data-state={state}
        aria-disabled={disabled}
        {...props}
        ref={ref}
      >
        {children ??
          (state === 'submitting'
            ? 'Submitting…'
            : state === 'submitted'
              ? 'Submitted'
              : pending > 0
                ? `Decide ${pending} more`
                : 'Submit decisions')}
      </Primitive.button>
    )
  },
)
ToolApprovalFormSubmit.displayName = 'ToolApprovalForm.Submit'

// COMPOSITE

/** Props of `ToolApprovalForm`. */
export type ToolApprovalFormProps = Omit<ToolApprovalFormRootProps, 'children'> & {
  /** The form's accessible name. @defaultValue "Tool approvals" */
  title?: string | undefined
}

const ToolApprovalFormComposite = forwardRef<HTMLFormElement, ToolApprovalFormProps>(
  function ToolApprovalFormComposite({ title = 'Tool approvals', toolCalls, ...props }, ref) {
    return (
      <ToolApprovalFormRoot aria-label={title} toolCalls={toolCalls} {...props} ref={ref}>
        {toolCalls.map((toolCall) => (
          <ToolApprovalFormField key={toolCall.id} toolCall={toolCall}>
            <ToolApprovalFormLegend />
            <ToolApprovalFormArguments />
            <ToolApprovalFormChoice />
          </ToolApprovalFormField>
        ))}
        <ToolApprovalFormNotice />
        <div data-oai-actions="">
          <ToolApprovalFormSubmit />
        </div>
      </ToolApprovalFormRoot>
    )
  },
)

/**
 * The form that answers `submit_tool_approval` (Azure AI Agents): one approve/reject radio pair per call, all
 * decisions submitted at once and exactly once. The host runs what is approved; nothing runs in the browser.
 * @example
 * <ToolApprovalForm toolCalls={requiredApprovals(run)} runStatus={run.status}
 *   onSubmit={(approvals) => submit.mutateAsync({ threadId, runId, body: { tool_approvals: approvals } })} />
 */
export const ToolApprovalForm = Object.assign(ToolApprovalFormComposite, {
  Root: ToolApprovalFormRoot,
  Field: ToolApprovalFormField,
  Legend: ToolApprovalFormLegend,
  Arguments: ToolApprovalFormArguments,
  Choice: ToolApprovalFormChoice,
  Notice: ToolApprovalFormNotice,
  Submit: ToolApprovalFormSubmit,
})
