'use client'
// useToolOutputForm: the tool-output form's state and behaviour without markup (React Aria's useX to the parts'
// components): values per call, text/JSON modes, validation, one submit with an in-flight guard and server errors
// mapped onto fields, the expiry countdown, focus after errors; returns state, handlers and prop getters.
import type { RunToolCall } from '@oai-runs/client'
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react'
import { countdown, parseArguments, spokenDuration } from '../internal/format.ts'
import { useControllableState } from '../internal/use-controllable-state.ts'
import { useNow } from '../internal/use-now.ts'
import { handlerFailedError } from './messages.tsx'
import { outputsOf, stringifyOutput, submitOutcome, validateOutputs } from './outputs.ts'
import type {
  ToolOutputFieldErrors,
  ToolOutputFieldState,
  ToolOutputFormState,
  ToolOutputMode,
  ToolOutputNotice,
  UseToolOutputFormProps,
  UseToolOutputFormResult,
} from './types.ts'

/**
 * The tool-output form's state and behaviour, for a form of your own markup (`ToolOutputForm.Root` uses it and
 * gives its result to the parts through context). Spread the prop getters on your elements.
 * @example
 * const form = useToolOutputForm({ toolCalls, onSubmit: (outputs) => submit.mutateAsync(outputs) })
 * <form {...form.getFormProps()}>
 *   {toolCalls.map((call) => <textarea key={call.id} aria-label={call.function.name} {...form.getInputProps(call.id)} />)}
 *   <button {...form.getSubmitButtonProps()} />
 * </form>
 */
export function useToolOutputForm({
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
}: UseToolOutputFormProps): UseToolOutputFormResult {
  const formId = useId()
  const emptyValues = useMemo(() => Object.fromEntries(toolCalls.map((call) => [call.id, ''])), [toolCalls])
  const [values, setValues] = useControllableState(value, { ...emptyValues, ...defaultValue }, onValueChange)
  const [fields, setFields] = useState<Record<string, ToolOutputFieldState>>({})
  const [phase, setPhase] = useState<'idle' | 'submitting' | 'submitted' | 'error'>('idle')
  const [serverClosed, setServerClosed] = useState<'expired' | 'closed' | null>(null)
  const [notice, setNotice] = useState<ToolOutputNotice | null>(null)
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

  const setFieldError = (updates: ToolOutputFieldErrors) =>
    setFields((previous) => {
      const next = { ...previous }
      for (const call of toolCalls) {
        if (call.id in updates) {
          next[call.id] = { mode: modeOf(call), error: updates[call.id] ?? null }
        }
      }
      return next
    })

  const focusNotice = () => requestAnimationFrame(() => noticeRef.current?.focus())

  const submit = async () => {
    if (submitting.current || (state !== 'idle' && state !== 'error')) {
      return
    }
    const checked = validateOutputs(toolCalls, values, modeOf, outputSchemas)
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
      await onSubmit(outputsOf(toolCalls, values))
      setPhase('submitted')
      setNotice({ tone: 'info', text: 'Tool outputs submitted.' })
      onSubmitted?.()
    } catch (error) {
      submitting.current = false
      setPhase('error')
      const outcome = submitOutcome(error, toolCalls)
      if (outcome.closed) {
        setServerClosed(outcome.closed)
      }
      if (outcome.fieldErrors) {
        setFieldError(outcome.fieldErrors)
      }
      setNotice(outcome.notice)
      focusNotice()
    }
  }

  const runHandlers = handlers
    ? async () => {
        const updates: ToolOutputFieldErrors = {}
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
            updates[call.id] = handlerFailedError(call.function?.name, error)
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
    await navigator.clipboard?.writeText(JSON.stringify(outputsOf(toolCalls, values), null, 2))
    setCopied(true)
  }

  const fieldStates: Record<string, ToolOutputFieldState> = Object.fromEntries(
    toolCalls.map((call) => [call.id, { error: fields[call.id]?.error ?? null, mode: modeOf(call) }]),
  )
  const setValue = (callId: string, text: string) =>
    setValues((previous) => ({ ...previous, [callId]: text }))
  const registerInput = (callId: string, element: HTMLTextAreaElement | null) => {
    if (element) {
      inputs.current.set(callId, element)
    } else {
      inputs.current.delete(callId)
    }
  }
  const finished = state === 'expired' || state === 'submitted' || state === 'closed'

  return {
    formId,
    state,
    values,
    setValue,
    fields: fieldStates,
    setMode: (callId, mode) => setFields((previous) => ({ ...previous, [callId]: { error: null, mode } })),
    toolCalls,
    parameters,
    secondsLeft,
    notice,
    submit,
    runHandlers,
    copyValues,
    copied,
    onRestart,
    registerInput,
    noticeRef,
    getFormProps: () => ({
      'data-oai-tool-output-form': '',
      'data-state': state,
      'aria-busy': state === 'submitting' || undefined,
      noValidate: true,
      onSubmit: (event) => {
        event.preventDefault()
        void submit()
      },
    }),
    getFieldProps: (callId) => ({
      'data-oai-tool-output-field': '',
      'data-state': fieldStates[callId]?.error ? 'invalid' : 'valid',
      'data-call-id': callId,
    }),
    getLabelProps: (callId) => ({ htmlFor: `${formId}-${callId}`, 'data-oai-input-label': '' }),
    getInputProps: (callId) => {
      const id = `${formId}-${callId}`
      const error = fieldStates[callId]?.error
      const readOnly = finished || state === 'submitting'
      return {
        id,
        rows: 3,
        value: values[callId] ?? '',
        readOnly,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': error ? `${id}-error` : undefined,
        'data-state': error ? 'invalid' : readOnly ? 'readonly' : 'editable',
        spellCheck: false,
        onChange: (event) => setValue(callId, event.target.value),
        onKeyDown: (event) => {
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
            event.preventDefault()
            event.currentTarget.form?.requestSubmit()
          }
        },
        ref: (element) => registerInput(callId, element),
      }
    },
    getErrorProps: (callId) => ({
      id: `${formId}-${callId}-error`,
      'data-oai-field-error': '',
      children: fieldStates[callId]?.error,
    }),
    getModeProps: (call) => {
      const mode = fieldStates[call.id]?.mode ?? 'text'
      return {
        'aria-label': `Format of ${call.function?.name} output`,
        'data-oai-mode': '',
        'data-state': mode,
        value: mode,
        disabled: finished,
        onChange: (event) =>
          setFields((previous) => ({
            ...previous,
            [call.id]: { error: null, mode: event.target.value as ToolOutputMode },
          })),
      }
    },
    getCountdownProps: () => {
      const left = secondsLeft ?? 0
      return {
        role: 'timer',
        'data-oai-countdown': '',
        'data-state': state === 'expired' ? 'expired' : left <= 60 ? 'urgent' : 'running',
        'aria-label':
          state === 'expired' ? 'The run expired' : `Time left to submit: ${spokenDuration(left)}`,
        children: state === 'expired' ? 'Expired' : `Expires in ${countdown(left)}`,
      }
    },
    getNoticeProps: () => {
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
      return {
        role: notice?.tone === 'error' || state === 'expired' ? 'alert' : 'status',
        tabIndex: -1,
        'data-oai-notice': '',
        'data-state': notice?.tone ?? (text ? 'info' : 'empty'),
        ref: noticeRef,
        children: text,
      }
    },
    getSubmitButtonProps: () => {
      const count = toolCalls.length
      return {
        type: 'submit',
        'data-oai-submit': '',
        'data-state': state,
        'aria-disabled': state === 'submitting' || finished || undefined,
        children:
          state === 'submitting'
            ? 'Submitting…'
            : state === 'submitted'
              ? 'Submitted'
              : count > 1
                ? `Submit ${count} outputs`
                : 'Submit output',
      }
    },
  }
}
