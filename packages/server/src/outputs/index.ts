// The output handlers by `output.type`: the engine hands each model output to the one registered for its type.
import type { ModelOutput } from '../model.ts'
import { handleApprovalRequired } from './approval.ts'
import { handleCodeInterpreter, handleCodeInterpreterInput } from './code-interpreter.ts'
import { handleError } from './error.ts'
import { handleFileSearch } from './file-search.ts'
import { handleFunctionCalls } from './function-calls.ts'
import { handleHostedToolCall } from './hosted.ts'
import { handleIncomplete } from './incomplete.ts'
import { handleText } from './text.ts'
import type { OutputHandler, Turn } from './turn.ts'
import { handleUsage } from './usage.ts'

export type { OutputHandler, Turn, TurnBase, TurnState } from './turn.ts'
export { createTurn, StopRun } from './turn.ts'

/** One handler per kind of model output; a new kind of output does not type-check until it has one. */
export const outputHandlers: { [Type in ModelOutput['type']]: OutputHandler<Type> } = {
  text: handleText,
  function_calls: handleFunctionCalls,
  approval_required: handleApprovalRequired,
  hosted_tool_call: handleHostedToolCall,
  code_interpreter: handleCodeInterpreter,
  code_interpreter_input: handleCodeInterpreterInput,
  file_search: handleFileSearch,
  error: handleError,
  usage: handleUsage,
  incomplete: handleIncomplete,
}

/** Hands `output` to its type's handler (which may end the turn by throwing StopRun). */
export function handleOutput(output: ModelOutput, turn: Turn): Promise<void> {
  const handler = outputHandlers[output.type] as OutputHandler<ModelOutput['type']>
  return handler(output, turn)
}
