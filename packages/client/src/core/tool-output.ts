// `toolOutput(toolCallId, output)`: one element of `tool_outputs`, the counterpart of openaiapi's
// `oai_tool_output`. The API takes `output` as a string, so any other value is sent as JSON.
import { ValidationError } from './errors.ts'
import type { ToolApproval, ToolOutput } from './types.ts'

function stringify(output: unknown): string {
  if (output instanceof Error) {
    // JSON.stringify(error) is "{}"; the model needs the message.
    return JSON.stringify({ error: output.message })
  }
  let text: string | undefined
  try {
    text = JSON.stringify(output)
  } catch {
    throw new ValidationError('output', '`output` could not be serialised to JSON; pass a string instead.')
  }
  if (text === undefined) {
    throw new ValidationError('output', '`output` must be a string or a JSON value (got undefined).')
  }
  return text
}

/**
 * Builds one tool output; a non-string `output` is sent as JSON, an empty `toolCallId` throws ValidationError.
 * @example
 * client.runs.submitToolOutputs(ids, { tool_outputs: [toolOutput(call.id, { temperature: 21 })] })
 */
export function toolOutput(toolCallId: string, output: unknown): ToolOutput {
  if (typeof toolCallId !== 'string' || toolCallId.trim() === '') {
    throw new ValidationError('tool_call_id', '`tool_call_id` must be the non-empty id of a tool call.')
  }
  return { tool_call_id: toolCallId, output: typeof output === 'string' ? output : stringify(output) }
}

/**
 * Builds one answer to a `submit_tool_approval` call (Azure AI Agents' `tool_approvals`); an empty `toolCallId`
 * throws ValidationError. `headers` go to the host with the approved call (e.g. an MCP server's auth header).
 * @example
 * client.runs.submitToolOutputs(ids, { tool_approvals: [toolApproval(call.id, true)] })
 */
export function toolApproval(
  toolCallId: string,
  approve: boolean,
  headers?: Record<string, string>,
): ToolApproval {
  if (typeof toolCallId !== 'string' || toolCallId.trim() === '') {
    throw new ValidationError('tool_call_id', '`tool_call_id` must be the non-empty id of a tool call.')
  }
  if (typeof approve !== 'boolean') {
    throw new ValidationError('approve', '`approve` must be true (approve) or false (reject).')
  }
  return headers ? { tool_call_id: toolCallId, approve, headers } : { tool_call_id: toolCallId, approve }
}
