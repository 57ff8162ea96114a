// Maps what a failed tool-output submit threw onto the form (F2, F4, F5, F7), by error name or server text,
// so errors from other clients (plain ApiError, fetch wrappers) are understood too.

/** How the form reacts to a failed submit. */
export type SubmitFailure =
  | { kind: 'expired'; message: string }
  | { kind: 'closed'; message: string; runStatus: string | null }
  | { kind: 'mismatch'; message: string; expected: string[]; received: string[] }
  | { kind: 'other'; message: string }

const MISMATCH = /Expected tool outputs for call_ids \[([^\]]*)\], got \[([^\]]*)\]/
const NOT_AWAITING = /Runs in status "([^"]{1,40})" do not accept tool outputs/

function ids(list: string): string[] {
  return list
    .split(',')
    .map((id) => id.trim().replace(/^['"]|['"]$/g, ''))
    .filter(Boolean)
}

/** Classifies a submit error (ToolOutputsMismatchError, RunExpiredError, RunNotAwaitingOutputsError, …). */
export function classifySubmitError(error: unknown): SubmitFailure {
  const name = error instanceof Error ? error.name : ''
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : 'Submitting failed.'
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  const mismatch = MISMATCH.exec(message)
  if (name === 'ToolOutputsMismatchError' || mismatch) {
    return {
      kind: 'mismatch',
      message,
      expected: Array.isArray(record.expected) ? (record.expected as string[]) : ids(mismatch?.[1] ?? ''),
      received: Array.isArray(record.received) ? (record.received as string[]) : ids(mismatch?.[2] ?? ''),
    }
  }
  const notAwaiting = NOT_AWAITING.exec(message)
  const runStatus = typeof record.runStatus === 'string' ? record.runStatus : (notAwaiting?.[1] ?? null)
  if (name === 'RunExpiredError' || runStatus === 'expired') {
    return { kind: 'expired', message }
  }
  if (name === 'RunNotAwaitingOutputsError' || notAwaiting) {
    return { kind: 'closed', message, runStatus }
  }
  return { kind: 'other', message }
}
