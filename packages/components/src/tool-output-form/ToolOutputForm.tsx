'use client'
// ToolOutputForm: answers a run's `requires_action` with one output per function call, in ONE request.
// Checklist F1–F11 (UI side): all calls listed, exactly one submit, per-field server errors, values kept on
// every error, expiry countdown and an expired state that keeps the values for copying. This module holds the
// Root (a <form> around `useToolOutputForm`, use-tool-output-form.ts) and the composite; the parts live in
// parts.tsx.
import { forwardRef } from 'react'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import {
  FormContext,
  ToolOutputFormArguments,
  ToolOutputFormCopy,
  ToolOutputFormCountdown,
  ToolOutputFormError,
  ToolOutputFormField,
  ToolOutputFormInput,
  ToolOutputFormLabel,
  ToolOutputFormLegend,
  ToolOutputFormMode,
  ToolOutputFormNotice,
  ToolOutputFormRestart,
  ToolOutputFormRunTools,
  ToolOutputFormSubmit,
} from './parts.tsx'
import type { UseToolOutputFormProps } from './types.ts'
import { useToolOutputForm } from './use-tool-output-form.ts'

export type {
  ToolOutputFormArgumentsProps,
  ToolOutputFormCopyProps,
  ToolOutputFormCountdownProps,
  ToolOutputFormErrorProps,
  ToolOutputFormFieldProps,
  ToolOutputFormInputProps,
  ToolOutputFormLabelProps,
  ToolOutputFormLegendProps,
  ToolOutputFormModeProps,
  ToolOutputFormNoticeProps,
  ToolOutputFormRestartProps,
  ToolOutputFormRunToolsProps,
  ToolOutputFormSubmitProps,
} from './parts.tsx'
export type { ToolHandler, ToolOutputFormState, ToolOutputMode, ToolOutputValues } from './types.ts'
export {
  ToolOutputFormArguments,
  ToolOutputFormCopy,
  ToolOutputFormCountdown,
  ToolOutputFormError,
  ToolOutputFormField,
  ToolOutputFormInput,
  ToolOutputFormLabel,
  ToolOutputFormLegend,
  ToolOutputFormMode,
  ToolOutputFormNotice,
  ToolOutputFormRestart,
  ToolOutputFormRunTools,
  ToolOutputFormSubmit,
}

// ROOT

/** Props of `ToolOutputForm.Root`: the `<form>`'s props and `useToolOutputForm`'s options. */
export type ToolOutputFormRootProps = Omit<PrimitiveProps<'form'>, 'onSubmit' | 'defaultValue'> &
  UseToolOutputFormProps

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
    const form = useToolOutputForm({
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
    })
    return (
      <FormContext.Provider value={form}>
        <Primitive.form {...form.getFormProps()} {...props} ref={ref} />
      </FormContext.Provider>
    )
  },
)
ToolOutputFormRoot.displayName = 'ToolOutputForm.Root'

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
