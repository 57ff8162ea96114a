// The tool-output form's rules without React state: checking every field (json-schema.ts for output schemas),
// mapping a failed submit onto fields and a notice (errors.ts), and turning a handler's result into an output.
import type { RunToolCall, ToolOutput } from '@oai-runs/client'
import { parseArguments } from '../internal/format.ts'
import { classifySubmitError } from './errors.ts'
import { checkSchema, checkSchemaIfLoaded } from './json-schema.ts'
import { emptyOutputError, schemaMismatchError } from './messages.tsx'
import type { ToolOutputFieldErrors, ToolOutputMode, ToolOutputNotice, ToolOutputValues } from './types.ts'

/** A handler's result as an output: strings as they are, anything else as pretty JSON. */
export function stringifyOutput(output: unknown): string {
  return typeof output === 'string' ? output : (JSON.stringify(output, null, 2) ?? String(output))
}

/** The outputs of one submit, in the calls' order (F1). */
export function outputsOf(toolCalls: readonly RunToolCall[], values: ToolOutputValues): ToolOutput[] {
  return toolCalls.map((call) => ({ tool_call_id: call.id, output: values[call.id] ?? '' }))
}

function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`
}

/**
 * Checks every field; schema checks load the validator, so their answer may come later (`pending`).
 * Every call gets an entry (`null` when valid).
 */
export function validateOutputs(
  toolCalls: readonly RunToolCall[],
  values: ToolOutputValues,
  modeOf: (call: RunToolCall) => ToolOutputMode,
  outputSchemas: Readonly<Record<string, unknown>> | undefined,
): { errors: ToolOutputFieldErrors; pending: Promise<ToolOutputFieldErrors> | null } {
  const errors: ToolOutputFieldErrors = {}
  const checks: Array<Promise<void>> = []
  for (const call of toolCalls) {
    const name = call.function?.name ?? call.id
    const text = values[call.id] ?? ''
    errors[call.id] = null
    if (text.trim() === '') {
      errors[call.id] = emptyOutputError(name)
    } else if (modeOf(call) === 'json') {
      const parsed = parseArguments(text)
      if (!parsed.ok) {
        errors[call.id] = 'This is not valid JSON.'
      } else if (outputSchemas && Object.hasOwn(outputSchemas, name)) {
        const now = checkSchemaIfLoaded(parsed.value, outputSchemas[name])
        if (now) {
          errors[call.id] = schemaMismatchError(now)
        } else {
          checks.push(
            checkSchema(parsed.value, outputSchemas[name]).then((problems) => {
              errors[call.id] = schemaMismatchError(problems)
            }),
          )
        }
      }
    }
  }
  return { errors, pending: checks.length ? Promise.all(checks).then(() => errors) : null }
}

/** What a failed submit does to the form: close it (expired or no longer waiting), mark fields, say why. */
export type SubmitOutcome = {
  closed: 'expired' | 'closed' | null
  fieldErrors: ToolOutputFieldErrors | null
  notice: ToolOutputNotice
}

/** Maps what `onSubmit` threw onto the form (F2, F4, F5, F7), values always kept. */
export function submitOutcome(error: unknown, toolCalls: readonly RunToolCall[]): SubmitOutcome {
  const failure = classifySubmitError(error)
  if (failure.kind === 'expired') {
    return {
      closed: 'expired',
      fieldErrors: null,
      notice: {
        tone: 'error',
        text: 'The run expired before the outputs arrived. Your outputs are kept below for copying.',
      },
    }
  }
  if (failure.kind === 'closed') {
    return {
      closed: 'closed',
      fieldErrors: null,
      notice: {
        tone: 'error',
        text: `The run no longer waits for tool outputs${failure.runStatus ? ` (status: ${failure.runStatus})` : ''}. Your outputs are kept below.`,
      },
    }
  }
  if (failure.kind === 'mismatch') {
    // F2/F7: mark the fields the server did not expect; name the calls it expects that the form lacks.
    const updates: ToolOutputFieldErrors = {}
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
    return {
      closed: null,
      fieldErrors: updates,
      notice: {
        tone: 'error',
        text: missing.length
          ? `${sentence(failure.message)} The form is out of date: reload the run to answer ${missing.join(', ')}.`
          : sentence(failure.message),
      },
    }
  }
  return {
    closed: null,
    fieldErrors: null,
    notice: { tone: 'error', text: `Submitting failed: ${sentence(failure.message)} Your outputs are kept.` },
  }
}
