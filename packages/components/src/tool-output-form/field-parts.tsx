'use client'
// The tool-output form's per-call parts: Field (the fieldset) and what sits in it — Legend, Arguments, Mode,
// Label, Input, Error. They read the form's state from context (ToolOutputForm.Root, use-tool-output-form.ts).
import type { RunToolCall } from '@oai-runs/client'
import { forwardRef, useEffect, useMemo, useState } from 'react'
import { parseArguments } from '../internal/format.ts'
import { Primitive, type PrimitiveProps, visuallyHidden } from '../internal/primitive.tsx'
import { assignRef, FieldContext, useFieldContext, useFormContext } from './context.ts'
import { checkSchemaIfLoaded, preloadSchemaValidator, type SchemaProblem } from './json-schema.ts'
import { SchemaProblems } from './messages.tsx'

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
