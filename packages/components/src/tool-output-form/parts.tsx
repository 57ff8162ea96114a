'use client'
// The tool-output form's parts, reading the `useToolOutputForm` result that ToolOutputForm.Root puts in context:
// per call, Field (the fieldset) with Legend, Arguments, Mode, Label, Input, Error; per form, Countdown, Notice,
// Submit, RunTools, Copy, Restart.
import type { RunToolCall } from '@oai-runs/client'
import { createContext, type ForwardedRef, forwardRef, useContext, useEffect, useMemo, useState } from 'react'
import { parseArguments } from '../internal/format.ts'
import { Primitive, type PrimitiveProps, visuallyHidden } from '../internal/primitive.tsx'
import { checkSchemaIfLoaded, preloadSchemaValidator, type SchemaProblem } from './json-schema.ts'
import { SchemaProblems } from './messages.tsx'
import type { UseToolOutputFormResult } from './types.ts'

// CONTEXT

export const FormContext = createContext<UseToolOutputFormResult | null>(null)

export function useFormContext(part: string): UseToolOutputFormResult {
  const context = useContext(FormContext)
  if (!context) {
    throw new Error(`\`ToolOutputForm.${part}\` must be used within \`ToolOutputForm.Root\`.`)
  }
  return context
}

export const FieldContext = createContext<RunToolCall | null>(null)

export function useFieldContext(part: string): RunToolCall {
  const toolCall = useContext(FieldContext)
  if (!toolCall) {
    throw new Error(`\`ToolOutputForm.${part}\` must be used within \`ToolOutputForm.Field\`.`)
  }
  return toolCall
}

/** Hands `element` to a forwarded ref, whichever kind it is. */
export function assignRef<T>(ref: ForwardedRef<T>, element: T | null): void {
  if (typeof ref === 'function') {
    ref(element)
  } else if (ref) {
    ref.current = element
  }
}

// FIELD PARTS

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

/** Props of `ToolOutputForm.Field`. */
export type ToolOutputFormFieldProps = PrimitiveProps<'fieldset'> & { toolCall: RunToolCall }

/** One tool call's fieldset; `data-state` is `invalid` when it has an error. */
export const ToolOutputFormField = forwardRef<HTMLFieldSetElement, ToolOutputFormFieldProps>(
  ({ toolCall, ...props }, ref) => {
    const { getFieldProps } = useFormContext('Field')
    return (
      <FieldContext.Provider value={toolCall}>
        <Primitive.fieldset {...getFieldProps(toolCall.id)} {...props} ref={ref} />
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
  const { getModeProps } = useFormContext('Mode')
  return (
    <Primitive.select {...getModeProps(toolCall)} {...props} ref={ref}>
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
    const { getLabelProps } = useFormContext('Label')
    const { htmlFor, ...label } = getLabelProps(toolCall.id)
    return (
      <Primitive.label htmlFor={htmlFor} {...label} {...props} ref={ref}>
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
    const { getInputProps } = useFormContext('Input')
    const { onKeyDown: submitOnModEnter, ref: register, ...input } = getInputProps(toolCall.id)
    return (
      <Primitive.textarea
        {...input}
        onKeyDown={(event) => {
          onKeyDown?.(event)
          submitOnModEnter(event)
        }}
        {...props}
        ref={(element: HTMLTextAreaElement | null) => {
          register(element)
          assignRef(forwardedRef, element)
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
    const { fields, getErrorProps } = useFormContext('Error')
    if (!fields[toolCall.id]?.error) {
      return null
    }
    const { children, ...error } = getErrorProps(toolCall.id)
    return (
      <Primitive.p {...error} {...props} ref={ref}>
        {children}
      </Primitive.p>
    )
  },
)
ToolOutputFormError.displayName = 'ToolOutputForm.Error'

// FORM-LEVEL PARTS

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
