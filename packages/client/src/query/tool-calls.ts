// Owns client tools: each required function call's state, its handler's run and the outputs body.
// Client tools: the state of each function call a run waits on, handler execution with validated
// JSON arguments, approval (human in the loop) and the one body that submits every output (checklist F1, F7–F10).
import type { Run, RunToolCall, ToolOutput } from '../core/index.ts'
import { OaiRunsError, toolOutput, ValidationError } from '../core/index.ts'

/** What a tool handler gets besides its parsed arguments. */
export type ToolContext = {
  /** The call being answered. */
  call: RunToolCall
  /** The run waiting for the outputs. */
  run: Run
  /** When the run stops accepting outputs (unix seconds), or null. */
  expiresAt: number | null
  /** Aborted when the stream is aborted, the thread switches or the component unmounts. */
  signal: AbortSignal
}

/** A client tool: gets the call's parsed JSON arguments and returns its output (a string, or any JSON value). */
// biome-ignore lint/suspicious/noExplicitAny: handlers declare their own argument types
export type ToolHandler = (args: any, context: ToolContext) => unknown

/**
 * Where one call stands: `awaiting_approval` until the UI approves or denies it, `running` while its handler
 * works, `done` or `denied` with an output, `error` when its arguments or handler failed, `manual` when no handler
 * exists and the UI must provide the output.
 */
export type ToolCallStatus = 'awaiting_approval' | 'running' | 'done' | 'denied' | 'error' | 'manual'

/** One function call of a run in `requires_action`, with its parsed arguments and outcome. */
export type ToolCallState = {
  id: string
  name: string
  /** The raw `function.arguments` text (shown as is when it is not valid JSON, checklist F8). */
  arguments: string
  /** The parsed arguments, or undefined when they are not a JSON object. */
  args: Record<string, unknown> | undefined
  status: ToolCallStatus
  /** The output to submit, once `done` or `denied`. */
  output: string | null
  /** Why the call failed, when `error`. */
  error: Error | null
}

/** A call's `function.arguments` were not a JSON object. */
export class ToolArgumentsError extends OaiRunsError {
  override name = 'ToolArgumentsError'
}

/** One or more tool handlers failed; `calls` names each failed call. Nothing was submitted (checklist F10). */
export class ToolCallsError extends OaiRunsError {
  override name = 'ToolCallsError'
  /** The failed calls, with their errors. */
  declare readonly calls: ReadonlyArray<{ id: string; name: string; error: Error }>

  constructor(calls: ReadonlyArray<{ id: string; name: string; error: Error }>) {
    super(
      `Tool ${calls.length === 1 ? 'call' : 'calls'} failed: ${calls
        .map((call) => `${call.name} (${call.id}): ${call.error.message}`)
        .join('; ')}. Nothing was submitted; fix or provide the outputs and submit again.`,
    )
    this.calls = calls
  }
}

/** Parses a call's arguments; only a JSON object is valid. */
export function parseArguments(text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ToolArgumentsError('The model sent arguments that are not valid JSON.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ToolArgumentsError('The model sent arguments that are not a JSON object.')
  }
  return value as Record<string, unknown>
}

/** The first state of each call: parsed, and routed to approval, its handler or the UI. */
export function initialToolCalls(
  calls: readonly RunToolCall[],
  tools: Readonly<Record<string, ToolHandler>> | undefined,
  needsApproval: (call: RunToolCall) => boolean,
): ToolCallState[] {
  return calls.map((call) => {
    const base = { id: call.id, name: call.function.name, arguments: call.function.arguments, output: null }
    let args: Record<string, unknown>
    try {
      args = parseArguments(call.function.arguments)
    } catch (error) {
      return { ...base, args: undefined, status: 'error', error: error as Error }
    }
    const hasHandler = tools !== undefined && Object.hasOwn(tools, call.function.name)
    const status: ToolCallStatus = !hasHandler
      ? 'manual'
      : needsApproval(call)
        ? 'awaiting_approval'
        : 'running'
    return { ...base, args, status, error: null }
  })
}

/** The failed calls as a ToolCallsError, or null. */
export function failedCalls(states: readonly ToolCallState[]): ToolCallsError | null {
  const failed = states.filter((state) => state.status === 'error')
  return failed.length === 0
    ? null
    : new ToolCallsError(failed.map((state) => ({ id: state.id, name: state.name, error: state.error! })))
}

/** Outputs given by the UI: an array of `{ tool_call_id, output }` or a record from call id to output. */
export type ToolOutputsInput = readonly ToolOutput[] | Readonly<Record<string, unknown>>

/**
 * One output per call, from the UI's outputs first and the handlers' second; throws ValidationError when a call
 * has none (F1) or an output names a call the run is not waiting for (F7), so nothing partial is ever sent.
 */
export function collectOutputs(states: readonly ToolCallState[], given: ToolOutputsInput = {}): ToolOutput[] {
  const provided = new Map<string, string>()
  const entries = Array.isArray(given)
    ? (given as readonly ToolOutput[]).map((item) => [item.tool_call_id, item.output] as const)
    : Object.entries(given)
  for (const [id, output] of entries) {
    if (!states.some((state) => state.id === id)) {
      throw new ValidationError(
        'tool_outputs',
        `The run is not waiting for tool call ${id}; the form is stale, reload the run's required action.`,
      )
    }
    provided.set(id, toolOutput(id, output).output)
  }
  const missing: string[] = []
  const outputs = states.map((state) => {
    const output = provided.get(state.id) ?? state.output
    if (output === null) {
      missing.push(`${state.name} (${state.id})`)
    }
    return { tool_call_id: state.id, output: output ?? '' }
  })
  if (missing.length > 0) {
    throw new ValidationError(
      'tool_outputs',
      `Every tool call needs an output; missing: ${missing.join(', ')}.`,
    )
  }
  return outputs
}
