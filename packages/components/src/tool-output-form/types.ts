// The tool-output form's public types: values, modes, states, and the options and result of `useToolOutputForm`
// (use-tool-output-form.ts), which its parts read through context.
import type { AssistantTool, RunStatus, RunToolCall, ToolOutput } from '@oai-runs/client'
import type { ChangeEvent, FormEvent, KeyboardEvent, ReactNode, RefObject } from 'react'

/** Output values by tool call id. */
export type ToolOutputValues = Record<string, string>

/** How a field's value is checked: free text, or JSON (parsed, and checked against `outputSchemas`). */
export type ToolOutputMode = 'text' | 'json'

/** Where the form stands. */
export type ToolOutputFormState = 'idle' | 'submitting' | 'submitted' | 'error' | 'expired' | 'closed'

/** A client-side tool implementation: gets the parsed arguments, returns the output (string or JSON value). */
export type ToolHandler = (args: unknown, toolCall: RunToolCall) => unknown

/** One field's state: its error (validation, server or handler; `null` without one) and its mode. */
export type ToolOutputFieldState = { error: ReactNode; mode: ToolOutputMode }

/** The form's status message: errors are announced assertively, progress politely. */
export type ToolOutputNotice = { tone: 'error' | 'info'; text: string }

/** Field errors by tool call id (`null` clears one). */
export type ToolOutputFieldErrors = Record<string, ReactNode>

/** Options of `useToolOutputForm` (the behaviour props of `ToolOutputForm.Root`). */
export type UseToolOutputFormProps = {
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

/** What `useToolOutputForm` returns: the form's state, its handlers, and props for the elements of a form. */
export type UseToolOutputFormResult = {
  /** A unique id; element ids are `${formId}-${callId}` (input) and `${formId}-${callId}-error`. */
  formId: string
  state: ToolOutputFormState
  values: ToolOutputValues
  setValue: (callId: string, value: string) => void
  /** Every call's error and mode. */
  fields: Record<string, ToolOutputFieldState>
  setMode: (callId: string, mode: ToolOutputMode) => void
  toolCalls: readonly RunToolCall[]
  /** The JSON-schema `parameters` of a function of `tools`. */
  parameters: (name: string) => unknown
  /** Seconds until `expiresAt` (`null` without it). */
  secondsLeft: number | null
  notice: ToolOutputNotice | null
  /** Validates, then submits every output once (a no-op while submitting, after success, expired or closed). */
  submit: () => Promise<void>
  /** Fills the outputs by running `handlers` (`null` without handlers). */
  runHandlers: (() => Promise<void>) | null
  /** Copies every output as JSON to the clipboard. */
  copyValues: () => Promise<void>
  copied: boolean
  onRestart: (() => void) | undefined
  /** Tells the form a call's input element, so the first invalid one gets the focus. */
  registerInput: (callId: string, element: HTMLTextAreaElement | null) => void
  /** The notice element, focused after a failed submit. */
  noticeRef: RefObject<HTMLDivElement | null>
  /** For the `<form>`: submits on submit, `aria-busy` while submitting. */
  getFormProps: () => {
    'data-oai-tool-output-form': ''
    'data-state': ToolOutputFormState
    'aria-busy': true | undefined
    noValidate: true
    onSubmit: (event: FormEvent<HTMLFormElement>) => void
  }
  /** For a call's `<fieldset>`. */
  getFieldProps: (callId: string) => {
    'data-oai-tool-output-field': ''
    'data-state': 'invalid' | 'valid'
    'data-call-id': string
  }
  /** For the `<label>` of a call's input. */
  getLabelProps: (callId: string) => { htmlFor: string; 'data-oai-input-label': '' }
  /** For a call's `<textarea>`: value, read-only state, error description, Ctrl/⌘+Enter submits. */
  getInputProps: (callId: string) => {
    id: string
    rows: number
    value: string
    readOnly: boolean
    'aria-invalid': true | undefined
    'aria-describedby': string | undefined
    'data-state': 'invalid' | 'readonly' | 'editable'
    spellCheck: false
    onChange: (event: ChangeEvent<HTMLTextAreaElement>) => void
    onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => void
    ref: (element: HTMLTextAreaElement | null) => void
  }
  /** For the element showing a call's error (render it only when `fields[callId].error` is set). */
  getErrorProps: (callId: string) => { id: string; 'data-oai-field-error': ''; children: ReactNode }
  /** For a call's text/JSON `<select>`. */
  getModeProps: (call: RunToolCall) => {
    'aria-label': string
    'data-oai-mode': ''
    'data-state': ToolOutputMode
    value: ToolOutputMode
    disabled: boolean
    onChange: (event: ChangeEvent<HTMLSelectElement>) => void
  }
  /** For the countdown (render it only when `secondsLeft` is not `null`). */
  getCountdownProps: () => {
    role: 'timer'
    'data-oai-countdown': ''
    'data-state': 'expired' | 'urgent' | 'running'
    'aria-label': string
    children: string
  }
  /** For the live region of the form's messages: errors assertive, progress polite; focused after failures. */
  getNoticeProps: () => {
    role: 'alert' | 'status'
    tabIndex: -1
    'data-oai-notice': ''
    'data-state': 'error' | 'info' | 'empty'
    ref: RefObject<HTMLDivElement | null>
    children: string
  }
  /** For the submit button: stays focusable (`aria-disabled`) while it cannot submit; `children` is its label. */
  getSubmitButtonProps: () => {
    type: 'submit'
    'data-oai-submit': ''
    'data-state': ToolOutputFormState
    'aria-disabled': true | undefined
    children: string
  }
}
