'use client'
// ToolOutputForm: answers a run's `requires_action` with one output per function call, in ONE request.
// Checklist F1–F11 (UI side): all calls listed, exactly one submit, per-field server errors, values kept on
// every error, expiry countdown and an expired state that keeps the values for copying.
import type { AssistantTool, RunStatus, RunToolCall, ToolOutput } from '@oai-runs/client'
import {
  createContext,
  Fragment,
  forwardRef,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react'
import { countdown, parseArguments, spokenDuration } from '../internal/format.ts'
import { Primitive, type PrimitiveProps, visuallyHidden } from '../internal/primitive.tsx'
import { useControllableState } from '../internal/use-controllable-state.ts'
import { useNow } from '../internal/use-now.ts'
import { classifySubmitError } from './errors.ts'
import {
  checkSchema,
  checkSchemaIfLoaded,
  preloadSchemaValidator,
  type SchemaProblem,
} from './json-schema.ts'

/** Output values by tool call id. */
export type ToolOutputValues = Record<string, string>

/** How a field's value is checked: free text, or JSON (parsed, and checked against `outputSchemas`). */
export type ToolOutputMode = 'text' | 'json'

/** Where the form stands. */
export type ToolOutputFormState = 'idle' | 'submitting' | 'submitted' | 'error' | 'expired' | 'closed'

/** A client-side tool implementation: gets the parsed arguments, returns the output (string or JSON value). */
export type ToolHandler = (args: unknown, toolCall: RunToolCall) => unknown

type FieldState = { error: ReactNode; mode: ToolOutputMode }

type FieldErrors = Record<string, ReactNode>

type FormContextValue = {
  formId: string
  state: ToolOutputFormState
  values: ToolOutputValues
  setValue: (callId: string, value: string) => void
  fields: Record<string, FieldState>
  setMode: (callId: string, mode: ToolOutputMode) => void
  toolCalls: readonly RunToolCall[]
  parameters: (name: string) => unknown
  secondsLeft: number | null
  notice: { tone: 'error' | 'info'; text: string } | null
  registerInput: (callId: string, element: HTMLTextAreaElement | null) => void
  noticeRef: React.RefObject<HTMLDivElement | null>
  runHandlers: (() => Promise<void>) | null
  copyValues: () => Promise<void>
  copied: boolean
  onRestart: (() => void) | undefined
}

const FormContext = createContext<FormContextValue | null>(null)

function useFormContext(part: string): FormContextValue {
  const context = useContext(FormContext)
  if (!context) {
    throw new Error(`\`ToolOutputForm.${part}\` must be used within \`ToolOutputForm.Root\`.`)
  }
  return context
}

const FieldContext = createContext<RunToolCall | null>(null)

function useFieldContext(part: string): RunToolCall {
  const toolCall = useContext(FieldContext)
  if (!toolCall) {
    throw new Error(`\`ToolOutputForm.${part}\` must be used within \`ToolOutputForm.Field\`.`)
  }
  return toolCall
}

function stringifyOutput(output: unknown): string {
  return typeof output === 'string' ? output : (JSON.stringify(output, null, 2) ?? String(output))
}

/** Schema problems as text, each path isolated (it comes from the model's or the user's JSON keys). */
function SchemaProblems({ problems }: { problems: readonly SchemaProblem[] }) {
  return problems.map((problem, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity but their order
    <Fragment key={index}>
      {index > 0 ? '; ' : null}
      <bdi data-oai-schema-path="">{problem.path}</bdi> {problem.message}
    </Fragment>
  ))
}

/** The problems of a call's arguments against its function's parameters: `null` while the validator loads. */
function useArgumentProblems(text: string, schema: unknown): readonly SchemaProblem[] | null {
  // Counts the validator's loads: the check runs again once it is there.
  const [loads, setLoads] = useState(0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `loads` says when the validator arrived
  const problems = useMemo(() => {
    const parsed = parseArguments(text)
    return parsed.ok ? checkSchemaIfLoaded(parsed.value, schema) : []
  }, [text, schema, loads])
  const waiting = problems === null
  useEffect(() => {
    if (!waiting) {
      return
    }
    let active = true
    void preloadSchemaValidator().then(() => {
      if (active) {
        setLoads((count) => count + 1)
      }
    })
    return () => {
      active = false
    }
  }, [waiting])
  return problems
}

// ROOT

/** Props of `ToolOutputForm.Root`. */
export type ToolOutputFormRootProps = Omit<PrimitiveProps<'form'>, 'onSubmit' | 'defaultValue'> & {
  /** The calls to answer: `run.required_action.submit_tool_outputs.tool_calls`. */
  toolCalls: readonly RunToolCall[]
  /** The run's (or assistant's) tools: their JSON-schema `parameters` check the arguments. */
  tools?: readonly AssistantTool[] | undefined
  /** JSON schemas of outputs by function name; fields of those functions start in JSON mode. */
  outputSchemas?: Readonly<Record<string, unknown>> | undefined
  /** The run's `expires_at` (unix seconds): drives the countdown and the expired state. */
  expiresAt?: number | null | undefined
  /** The run's current status; anything but `requires_action` closes the form, values kept (F5). */
  runStatus?: RunStatus | (string & {}) | undefined
  /** Controlled values by tool call id. */
  value?: ToolOutputValues | undefined
  /** Initial values when uncontrolled. */
  defaultValue?: ToolOutputValues | undefined
  /** Called with every change of the values. */
  onValueChange?: ((values: ToolOutputValues) => void) | undefined
  /** Sends all outputs in one request; reject to keep the form open with the error shown. */
  onSubmit: (outputs: ToolOutput[]) => unknown
  /** Called after `onSubmit` resolved. */
  onSubmitted?: (() => void) | undefined
  /** Client-side implementations by function name, run with the "Run tools" button (F10). */
  handlers?: Readonly<Record<string, ToolHandler>> | undefined
  /** Offered in the expired state ("Start a new run"). */
  onRestart?: (() => void) | undefined
  /** The clock, for tests and stories. @defaultValue Date.now */
  now?: (() => number) | undefined
}

/** The `<form>`: holds the values, validates, submits once, and maps server errors onto fields. */
export const ToolOutputFormRoot = forwardRef<HTMLFormElement, ToolOutputFormRootProps>(
  (
    {
      toolCalls,
      tools,
      outputSchemas,
      expiresAt,
      runStatus,
      value,
      defaultValue,
      onValueChange,
      onSubmit,
      onSubmitted,
      handlers,
      onRestart,
      now,
      ...props
    },
    ref,
  ) => {
    const formId = useId()
    const emptyValues = useMemo(() => Object.fromEntries(toolCalls.map((call) => [call.id, ''])), [toolCalls])
    const [values, setValues] = useControllableState(
      value,
      { ...emptyValues, ...defaultValue },
      onValueChange,
    )
    const [fields, setFields] = useState<Record<string, FieldState>>({})
    const [phase, setPhase] = useState<'idle' | 'submitting' | 'submitted' | 'error'>('idle')
    const [serverClosed, setServerClosed] = useState<'expired' | 'closed' | null>(null)
    const [notice, setNotice] = useState<FormContextValue['notice']>(null)
    const [copied, setCopied] = useState(false)
    const submitting = useRef(false) // a ref, not state: a second click in the same tick must see it (F3)
    const inputs = useRef(new Map<string, HTMLTextAreaElement>())
    const noticeRef = useRef<HTMLDivElement>(null)
    const callKey = toolCalls.map((call) => call.id).join(',')

    // A new requires_action (other call ids) is a new form: allow one submit again.
    // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the call ids change
    useEffect(() => {
      submitting.current = false
      setPhase('idle')
      setServerClosed(null)
      setNotice(null)
      setFields({})
    }, [callKey])

    const nowSeconds = useNow(expiresAt != null && phase !== 'submitted', now)
    const secondsLeft = expiresAt == null ? null : Math.max(0, expiresAt - nowSeconds)
    const expired = serverClosed === 'expired' || runStatus === 'expired' || secondsLeft === 0
    const closed =
      !expired && (serverClosed === 'closed' || (runStatus !== undefined && runStatus !== 'requires_action'))
    const state: ToolOutputFormState = expired
      ? 'expired'
      : phase === 'submitted'
        ? 'submitted'
        : closed
          ? 'closed'
          : phase

    const modeOf = useCallback(
      (call: RunToolCall): ToolOutputMode =>
        fields[call.id]?.mode ??
        (outputSchemas && Object.hasOwn(outputSchemas, call.function?.name) ? 'json' : 'text'),
      [fields, outputSchemas],
    )
    const parameters = useCallback(
      (name: string) => {
        const tool = tools?.find((item) => item.type === 'function' && item.function?.name === name)
        return tool?.type === 'function' ? tool.function.parameters : undefined
      },
      [tools],
    )

    const setFieldError = (updates: FieldErrors) =>
      setFields((previous) => {
        const next = { ...previous }
        for (const call of toolCalls) {
          if (call.id in updates) {
            next[call.id] = { mode: modeOf(call), error: updates[call.id] ?? null }
          }
        }
        return next
      })

    const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`)
    const focusNotice = () => requestAnimationFrame(() => noticeRef.current?.focus())

    // Checks every field; schema checks load the validator, so their answer may come later (`pending`).
    const validate = (): { errors: FieldErrors; pending: Promise<FieldErrors> | null } => {
      const errors: FieldErrors = {}
      const checks: Array<Promise<void>> = []
      for (const call of toolCalls) {
        const name = call.function?.name ?? call.id
        const text = values[call.id] ?? ''
        errors[call.id] = null
        if (text.trim() === '') {
          errors[call.id] = (
            <>
              Enter the output of <bdi>{name}</bdi>.
            </>
          )
        } else if (modeOf(call) === 'json') {
          const parsed = parseArguments(text)
          if (!parsed.ok) {
            errors[call.id] = 'This is not valid JSON.'
          } else if (outputSchemas && Object.hasOwn(outputSchemas, name)) {
            const describe = (problems: readonly SchemaProblem[]): ReactNode =>
              problems.length ? (
                <>
                  Does not match the output schema: <SchemaProblems problems={problems} />.
                </>
              ) : null
            const now = checkSchemaIfLoaded(parsed.value, outputSchemas[name])
            if (now) {
              errors[call.id] = describe(now)
            } else {
              checks.push(
                checkSchema(parsed.value, outputSchemas[name]).then((problems) => {
                  errors[call.id] = describe(problems)
                }),
              )
            }
          }
        }
      }
      return { errors, pending: checks.length ? Promise.all(checks).then(() => errors) : null }
    }

    const submit = async () => {
      if (submitting.current || (state !== 'idle' && state !== 'error')) {
        return
      }
      const checked = validate()
      let errors = checked.errors
      if (checked.pending) {
        submitting.current = true // no second submit while the schema checks run
        errors = await checked.pending
        submitting.current = false
      }
      setFieldError(errors)
      const firstInvalid = toolCalls.find((call) => errors[call.id])
      if (firstInvalid) {
        setNotice({ tone: 'error', text: 'Every tool call needs an output before submitting.' })
        inputs.current.get(firstInvalid.id)?.focus()
        return
      }
      submitting.current = true
      setPhase('submitting')
      setNotice({ tone: 'info', text: 'Submitting tool outputs…' })
      try {
        // One request with every output (F1).
        await onSubmit(toolCalls.map((call) => ({ tool_call_id: call.id, output: values[call.id] ?? '' })))
        setPhase('submitted')
        setNotice({ tone: 'info', text: 'Tool outputs submitted.' })
        onSubmitted?.()
      } catch (error) {
        submitting.current = false
        setPhase('error')
        const failure = classifySubmitError(error)
        if (failure.kind === 'expired') {
          setServerClosed('expired')
          setNotice({
            tone: 'error',
            text: 'The run expired before the outputs arrived. Your outputs are kept below for copying.',
          })
        } else if (failure.kind === 'closed') {
          setServerClosed('closed')
          setNotice({
            tone: 'error',
            text: `The run no longer waits for tool outputs${failure.runStatus ? ` (status: ${failure.runStatus})` : ''}. Your outputs are kept below.`,
          })
        } else if (failure.kind === 'mismatch') {
          // F2/F7: mark the fields the server did not expect; name the calls it expects that the form lacks.
          const updates: FieldErrors = {}
          for (const call of toolCalls) {
            updates[call.id] = failure.expected.includes(call.id)
              ? null
              : `The run does not expect an output for ${call.id}. ${sentence(failure.message)}`
          }
          const missing = failure.expected.filter((id) => !toolCalls.some((call) => call.id === id))
          if (missing.length) {
            for (const call of toolCalls) {
              updates[call.id] ??= failure.message
            }
          }
          setFieldError(updates)
          setNotice({
            tone: 'error',
            text: missing.length
              ? `${sentence(failure.message)} The form is out of date: reload the run to answer ${missing.join(', ')}.`
              : sentence(failure.message),
          })
        } else {
          setNotice({
            tone: 'error',
            text: `Submitting failed: ${sentence(failure.message)} Your outputs are kept.`,
          })
        }
        focusNotice()
      }
    }

    const runHandlers = handlers
      ? async () => {
          const updates: FieldErrors = {}
          const next = { ...values }
          for (const call of toolCalls) {
            const handler = handlers[call.function?.name]
            if (!handler) {
              continue
            }
            const parsed = parseArguments(call.function?.arguments ?? '')
            try {
              next[call.id] = stringifyOutput(
                await handler(parsed.ok ? parsed.value : call.function?.arguments, call),
              )
              updates[call.id] = null
            } catch (error) {
              // F10: say which call failed, keep the others, submit nothing.
              updates[call.id] = (
                <>
                  <bdi>{call.function?.name}</bdi> failed:{' '}
                  <bdi>{error instanceof Error ? error.message : String(error)}</bdi>
                </>
              )
            }
          }
          setValues(next)
          setFieldError(updates)
          const failed = Object.values(updates).filter(Boolean).length
          setNotice(
            failed
              ? {
                  tone: 'error',
                  text: `${failed} tool${failed === 1 ? '' : 's'} failed; nothing was submitted.`,
                }
              : { tone: 'info', text: 'Outputs filled in by the tools. Review them, then submit.' },
          )
        }
      : null

    const copyValues = async () => {
      const text = JSON.stringify(
        toolCalls.map((call) => ({ tool_call_id: call.id, output: values[call.id] ?? '' })),
        null,
        2,
      )
      await navigator.clipboard?.writeText(text)
      setCopied(true)
    }

    const context: FormContextValue = {
      formId,
      state,
      values,
      setValue: (callId, text) => setValues((previous) => ({ ...previous, [callId]: text })),
      fields: Object.fromEntries(
        toolCalls.map((call) => [call.id, { error: fields[call.id]?.error ?? null, mode: modeOf(call) }]),
      ),
      setMode: (callId, mode) => setFields((previous) => ({ ...previous, [callId]: { error: null, mode } })),
      toolCalls,
      parameters,
      secondsLeft,
      notice,
      registerInput: (callId, element) => {
        if (element) {
          inputs.current.set(callId, element)
        } else {
          inputs.current.delete(callId)
        }
      },
      noticeRef,
      runHandlers,
      copyValues,
      copied,
      onRestart,
    }

    return (
      <FormContext.Provider value={context}>
        <Primitive.form
          data-oai-tool-output-form=""
          data-state={state}
          aria-busy={state === 'submitting' || undefined}
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            void submit()
          }}
          {...props}
          ref={ref}
        />
      </FormContext.Provider>
    )
  },
)
ToolOutputFormRoot.displayName = 'ToolOutputForm.Root'

// FIELD

/** Props of `ToolOutputForm.Field`. */
export type ToolOutputFormFieldProps = PrimitiveProps<'fieldset'> & { toolCall: RunToolCall }

/** One tool call's fieldset; `data-state` is `invalid` when it has an error. */
export const ToolOutputFormField = forwardRef<HTMLFieldSetElement, ToolOutputFormFieldProps>(
  ({ toolCall, ...props }, ref) => {
    const { fields } = useFormContext('Field')
    return (
      <FieldContext.Provider value={toolCall}>
        <Primitive.fieldset
          data-oai-tool-output-field=""
          data-state={fields[toolCall.id]?.error ? 'invalid' : 'valid'}
          data-call-id={toolCall.id}
          {...props}
          ref={ref}
        />
      </FieldContext.Provider>
    )
  },
)
ToolOutputFormField.displayName = 'ToolOutputForm.Field'

/** Props of `ToolOutputForm.Legend`. */
export type ToolOutputFormLegendProps = PrimitiveProps<'legend'>

/** The function name and call id of the field. */
export const ToolOutputFormLegend = forwardRef<HTMLLegendElement, ToolOutputFormLegendProps>(
  ({ children, ...props }, ref) => {
    const toolCall = useFieldContext('Legend')
    return (
      <Primitive.legend {...props} ref={ref}>
        {children ?? (
          <>
            <code>
              <bdi>{toolCall.function?.name}</bdi>
            </code>{' '}
            <span data-oai-call-id="">
              <bdi>{toolCall.id}</bdi>
            </span>
          </>
        )}
      </Primitive.legend>
    )
  },
)
ToolOutputFormLegend.displayName = 'ToolOutputForm.Legend'

/** Props of `ToolOutputForm.Arguments`. */
export type ToolOutputFormArgumentsProps = PrimitiveProps<'div'>

/**
 * The call's parsed arguments (raw if malformed) and any mismatch with the function's parameters; `data-state` is
 * `checking` while the schema check runs.
 */
export const ToolOutputFormArguments = forwardRef<HTMLDivElement, ToolOutputFormArgumentsProps>(
  (props, ref) => {
    const toolCall = useFieldContext('Arguments')
    const { parameters } = useFormContext('Arguments')
    const text = toolCall.function?.arguments ?? ''
    const parsed = parseArguments(text)
    const problems = useArgumentProblems(text, parameters(toolCall.function?.name))
    const state = !parsed.ok
      ? 'malformed'
      : problems === null
        ? 'checking'
        : problems.length
          ? 'invalid'
          : 'valid'
    return (
      <Primitive.div data-oai-arguments="" data-state={state} {...props} ref={ref}>
        <span data-oai-caption="">Arguments</span>
        <pre>{parsed.ok ? parsed.pretty : parsed.raw}</pre>
        {!parsed.ok ? (
          <p data-oai-note="">The arguments are not valid JSON; they are shown as received.</p>
        ) : null}
        {parsed.ok && problems?.length ? (
          <p data-oai-note="">
            The arguments do not match the parameters of <bdi>{toolCall.function?.name}</bdi>:{' '}
            <SchemaProblems problems={problems} />.
          </p>
        ) : null}
      </Primitive.div>
    )
  },
)
ToolOutputFormArguments.displayName = 'ToolOutputForm.Arguments'

/** Props of `ToolOutputForm.Mode`. */
export type ToolOutputFormModeProps = Omit<PrimitiveProps<'select'>, 'value' | 'onChange'>

/** A select switching the field between text and JSON (labelled "Format of <name> output"). */
export const ToolOutputFormMode = forwardRef<HTMLSelectElement, ToolOutputFormModeProps>((props, ref) => {
  const toolCall = useFieldContext('Mode')
  const { fields, setMode, state } = useFormContext('Mode')
  return (
    <Primitive.select
      aria-label={`Format of ${toolCall.function?.name} output`}
      data-oai-mode=""
      data-state={fields[toolCall.id]?.mode ?? 'text'}
      value={fields[toolCall.id]?.mode ?? 'text'}
      disabled={state === 'expired' || state === 'submitted' || state === 'closed'}
      onChange={(event) => setMode(toolCall.id, event.target.value as ToolOutputMode)}
      {...props}
      ref={ref}
    >
      <option value="text">Text</option>
      <option value="json">JSON</option>
    </Primitive.select>
  )
})
ToolOutputFormMode.displayName = 'ToolOutputForm.Mode'

/** Props of `ToolOutputForm.Label`. */
export type ToolOutputFormLabelProps = PrimitiveProps<'label'>

/** The label of the field's output textarea: "Output of <name>". */
export const ToolOutputFormLabel = forwardRef<HTMLLabelElement, ToolOutputFormLabelProps>(
  ({ children, ...props }, ref) => {
    const toolCall = useFieldContext('Label')
    const { formId } = useFormContext('Label')
    return (
      <Primitive.label htmlFor={`${formId}-${toolCall.id}`} data-oai-input-label="" {...props} ref={ref}>
        {children ?? (
          <>
            Output of <bdi>{toolCall.function?.name}</bdi>
            <span style={visuallyHidden}>
              {' '}
              (<bdi>{toolCall.id}</bdi>)
            </span>
          </>
        )}
      </Primitive.label>
    )
  },
)
ToolOutputFormLabel.displayName = 'ToolOutputForm.Label'

/** Props of `ToolOutputForm.Input`. */
export type ToolOutputFormInputProps = Omit<PrimitiveProps<'textarea'>, 'value' | 'defaultValue'>

/** The output textarea; read-only (still copyable) once expired or closed. Ctrl/⌘+Enter submits. */
export const ToolOutputFormInput = forwardRef<HTMLTextAreaElement, ToolOutputFormInputProps>(
  ({ onKeyDown, ...props }, forwardedRef) => {
    const toolCall = useFieldContext('Input')
    const { values, setValue, fields, state, formId, registerInput } = useFormContext('Input')
    const id = `${formId}-${toolCall.id}`
    const error = fields[toolCall.id]?.error
    const readOnly =
      state === 'expired' || state === 'closed' || state === 'submitted' || state === 'submitting'
    return (
      <Primitive.textarea
        id={id}
        rows={3}
        value={values[toolCall.id] ?? ''}
        readOnly={readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        data-state={error ? 'invalid' : readOnly ? 'readonly' : 'editable'}
        spellCheck={false}
        onChange={(event) => setValue(toolCall.id, event.target.value)}
        onKeyDown={(event) => {
          onKeyDown?.(event)
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
            event.preventDefault()
            event.currentTarget.form?.requestSubmit()
          }
        }}
        {...props}
        ref={(element: HTMLTextAreaElement | null) => {
          registerInput(toolCall.id, element)
          if (typeof forwardedRef === 'function') {
            forwardedRef(element)
          } else if (forwardedRef) {
            forwardedRef.current = element
          }
        }}
      />
    )
  },
)
ToolOutputFormInput.displayName = 'ToolOutputForm.Input'

/** Props of `ToolOutputForm.Error`. */
export type ToolOutputFormErrorProps = PrimitiveProps<'p'>

/** The field's error (validation, server or handler); renders nothing without one. */
export const ToolOutputFormError = forwardRef<HTMLParagraphElement, ToolOutputFormErrorProps>(
  (props, ref) => {
    const toolCall = useFieldContext('Error')
    const { fields, formId } = useFormContext('Error')
    const error = fields[toolCall.id]?.error
    return error ? (
      <Primitive.p id={`${formId}-${toolCall.id}-error`} data-oai-field-error="" {...props} ref={ref}>
        {error}
      </Primitive.p>
    ) : null
  },
)
ToolOutputFormError.displayName = 'ToolOutputForm.Error'

// FORM-LEVEL PARTS

/** Props of `ToolOutputForm.Countdown`. */
export type ToolOutputFormCountdownProps = PrimitiveProps<'p'>

/** Time left until `expires_at` (a `timer`, not announced every second); "Expired" afterwards. */
export const ToolOutputFormCountdown = forwardRef<HTMLParagraphElement, ToolOutputFormCountdownProps>(
  (props, ref) => {
    const { secondsLeft, state } = useFormContext('Countdown')
    if (secondsLeft === null) {
      return null
    }
    const expired = state === 'expired'
    return (
      <Primitive.p
        role="timer"
        data-oai-countdown=""
        data-state={expired ? 'expired' : secondsLeft <= 60 ? 'urgent' : 'running'}
        aria-label={expired ? 'The run expired' : `Time left to submit: ${spokenDuration(secondsLeft)}`}
        {...props}
        ref={ref}
      >
        {expired ? 'Expired' : `Expires in ${countdown(secondsLeft)}`}
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
  const { notice, noticeRef, state, secondsLeft } = useFormContext('Notice')
  const urgent = secondsLeft !== null && secondsLeft > 0 && secondsLeft <= 60 && state !== 'submitted'
  const text =
    notice?.text ??
    (state === 'expired'
      ? 'The run expired. Your outputs are kept for copying.'
      : state === 'closed'
        ? 'The run no longer waits for tool outputs.'
        : urgent
          ? 'Less than a minute left to submit.'
          : '')
  return (
    <Primitive.div
      role={notice?.tone === 'error' || state === 'expired' ? 'alert' : 'status'}
      tabIndex={-1}
      data-oai-notice=""
      data-state={notice?.tone ?? (text ? 'info' : 'empty')}
      {...props}
      ref={(element: HTMLDivElement | null) => {
        noticeRef.current = element
        if (typeof ref === 'function') {
          ref(element)
        } else if (ref) {
          ref.current = element
        }
      }}
    >
      {text}
    </Primitive.div>
  )
})
ToolOutputFormNotice.displayName = 'ToolOutputForm.Notice'

/** Props of `ToolOutputForm.Submit`. */
export type ToolOutputFormSubmitProps = PrimitiveProps<'button'>

/** Submits every output in one request; stays focusable (`aria-disabled`) while submitting. */
export const ToolOutputFormSubmit = forwardRef<HTMLButtonElement, ToolOutputFormSubmitProps>(
  ({ children, ...props }, ref) => {
    const { state, toolCalls } = useFormContext('Submit')
    const unavailable =
      state === 'submitting' || state === 'submitted' || state === 'expired' || state === 'closed'
    const count = toolCalls.length
    return (
      <Primitive.button
        type="submit"
        data-oai-submit=""
        data-state={state}
        aria-disabled={unavailable || undefined}
        {...props}
        ref={ref}
      >
        {children ??
          (state === 'submitting'
            ? 'Submitting…'
            : state === 'submitted'
              ? 'Submitted'
              : count > 1
                ? `Submit ${count} outputs`
                : 'Submit output')}
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

// COMPOSITE

/** Props of `ToolOutputForm`. */
export type ToolOutputFormProps = Omit<ToolOutputFormRootProps, 'children'> & {
  /** The form's accessible name. @defaultValue 'Tool outputs' */
  title?: string | undefined
}

const ToolOutputFormComposite = forwardRef<HTMLFormElement, ToolOutputFormProps>(
  function ToolOutputFormComposite({ title = 'Tool outputs', toolCalls, ...props }, ref) {
    return (
      <ToolOutputFormRoot aria-label={title} toolCalls={toolCalls} {...props} ref={ref}>
        <ToolOutputFormCountdown />
        {toolCalls.map((toolCall) => (
          <ToolOutputFormField key={toolCall.id} toolCall={toolCall}>
            <ToolOutputFormLegend />
            <ToolOutputFormArguments />
            <ToolOutputFormLabel />
            <ToolOutputFormMode />
            <ToolOutputFormInput />
            <ToolOutputFormError />
          </ToolOutputFormField>
        ))}
        <ToolOutputFormNotice />
        <div data-oai-actions="">
          <ToolOutputFormRunTools />
          <ToolOutputFormSubmit />
          <ToolOutputFormCopy />
          <ToolOutputFormRestart />
        </div>
      </ToolOutputFormRoot>
    )
  },
)

/**
 * The form that answers `requires_action`: one field per function call, text or JSON, submitted all at once
 * and exactly once, with server errors per field and an expiry countdown.
 * @example
 * <ToolOutputForm toolCalls={run.required_action.submit_tool_outputs.tool_calls} tools={run.tools}
 *   expiresAt={run.expires_at} runStatus={run.status} onSubmit={(outputs) => submit.mutateAsync(outputs)} />
 */
export const ToolOutputForm = Object.assign(ToolOutputFormComposite, {
  Root: ToolOutputFormRoot,
  Field: ToolOutputFormField,
  Legend: ToolOutputFormLegend,
  Arguments: ToolOutputFormArguments,
  Mode: ToolOutputFormMode,
  Label: ToolOutputFormLabel,
  Input: ToolOutputFormInput,
  Error: ToolOutputFormError,
  Countdown: ToolOutputFormCountdown,
  Notice: ToolOutputFormNotice,
  Submit: ToolOutputFormSubmit,
  RunTools: ToolOutputFormRunTools,
  Copy: ToolOutputFormCopy,
  Restart: ToolOutputFormRestart,
})
