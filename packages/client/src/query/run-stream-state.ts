// Owns the run stream's state: the public state and config types, the session shape (and a new one), the view of a
// session and the per-event callbacks.
import type {
  AnyRunStreamEvent,
  CreateMessageParams,
  EntityCollection,
  Message,
  Run,
  RunSnapshot,
  RunStream,
  RunToolCall,
  TerminalRunStatus,
} from '../core/index.ts'
import { emptyRunSnapshot, isTerminalRunStatus, OaiRunsError } from '../core/index.ts'
import type { FollowUp, IfBusy, QueuedRun, UnsentRun } from './follow-up-queue.ts'
import type { ToolApprovalState } from './tool-approvals.ts'
import type { ToolCallState, ToolHandler } from './tool-calls.ts'

/** Where a run stream (`useRunStream`, or its controller) stands; the run's own status is `runStatus`. */
export type RunStreamStatus = 'idle' | 'streaming' | 'requires_action' | 'done' | 'error'

/** How the run is being followed: an open stream, polling (after a drop or a reload), or not at all. */
export type RunStreamConnection = 'none' | 'stream' | 'poll'

/** What `useRunStream` (the controller's `getState()`) shows: lifecycle, live snapshot, tool calls, last error. */
export type RunStreamState = {
  status: RunStreamStatus
  /** The run's own status (`cancelling` at once after `cancel()`), or null before the run exists. */
  runStatus: Run['status'] | null
  connection: RunStreamConnection
  threadId: string | null
  runId: string | null
  run: Run | null
  /** Everything the stream said so far (run, steps, messages), unchanged entities keeping their identity. */
  snapshot: RunSnapshot
  /** The function calls of a run in `requires_action`, with their status and outputs. */
  toolCalls: readonly ToolCallState[]
  /**
   * The calls of a run whose `required_action` is `submit_tool_approval` (Azure AI Agents), each with its decision;
   * answered with `approve`/`reject` or `submitToolApprovals`. Empty for OpenAI's `submit_tool_outputs`.
   */
  approvals: readonly ToolApprovalState[]
  error: Error | null
  /** Follow-ups waiting for the active run to end (`create` with `ifBusy: 'queue' | 'cancel'`), oldest first. */
  queued: readonly QueuedRun[]
  /** Follow-ups whose create failed, with body and error, until `dequeue(id)`, `abort()` or a thread switch. */
  unsent: readonly UnsentRun[]
}

/** Why a run finished: its terminal status. */
export type RunFinishReason = TerminalRunStatus

/** Where a run id survives a reload; `sessionStorage` by default. */
export type RunStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** Options and callbacks of `useRunStream` and of the controller (read fresh on every event). */
export type RunStreamConfig = {
  /** Client tools by function name; their outputs are submitted in one streamed request once all are ready. */
  tools?: Readonly<Record<string, ToolHandler>> | undefined
  /** Which calls wait for `approveToolCall`/`denyToolCall` before their handler runs. @defaultValue false */
  approve?: boolean | ((call: RunToolCall) => boolean) | undefined
  /** Fail over to polling when the stream sends nothing for this long, in ms. @defaultValue 0 (off) */
  idleTimeoutMs?: number | undefined
  /** Where the active run id is kept for reload-resume; `null` keeps none. @defaultValue sessionStorage */
  storage?: RunStorage | null | undefined
  /** Called with every event, as it arrives (not coalesced). */
  onEvent?: ((event: AnyRunStreamEvent) => void) | undefined
  /** Called with each piece of message text, as it arrives (not coalesced). */
  onTextDelta?: ((text: string, info: { messageId: string }) => void) | undefined
  /** Called when the run waits for tool outputs (`toolCalls`) or for approvals (`approvals`). */
  onRequiresAction?:
    | ((info: {
        run: Run
        toolCalls: readonly ToolCallState[]
        approvals: readonly ToolApprovalState[]
      }) => void)
    | undefined
  /** Called once when the run reaches a terminal status. */
  onFinish?: ((info: { run: Run; reason: RunFinishReason }) => void) | undefined
  /** Called when the stream, a request or a tool handler fails. */
  onError?: ((error: Error) => void) | undefined
  /** What `create` does while a run is active, unless the call says otherwise (see `IfBusy`). @defaultValue 'throw' */
  ifBusy?: IfBusy | undefined
}

/** One stream (or poll) of one run: replaced, never revived, when it stops (internal). */
export type Session = {
  abort: AbortController
  threadId: string | null
  runId: string | null
  snapshot: RunSnapshot
  /** The snapshot last written to the cache. */
  written: RunSnapshot
  /** True when this hook saw the run from its creation, so its step list is complete and may seed the cache. */
  ownsRun: boolean
  status: RunStreamStatus
  connection: RunStreamConnection
  toolCalls: ToolCallState[]
  approvals: ToolApprovalState[]
  error: Error | null
  /** A cancel was asked for; set before the run exists (`ifBusy: 'cancel'`), the run is cancelled once it does. */
  cancelling: boolean
  /** The ids of the failed tool calls last reported to onError, so one failure is reported once. */
  reported: string
  release: (() => void) | null
  stopWatch: (() => void) | null
  /** The open stream, whose fold is the snapshot's source while it is read. */
  stream: RunStream | null
  /** The follow-up this session sends (`ifBusy`), if any: dropped with the queue while its run does not exist. */
  followUp: FollowUp | null
  /** True once unmounted (dispose): a remount may resume the same run (React StrictMode mounts twice). */
  disposed: boolean
}

/** Thrown when a stream or submit is started while this hook already streams one (and `ifBusy` is `'throw'`). */
export class StreamBusyError extends OaiRunsError {
  override name = 'StreamBusyError'
}

/** The state before anything streams. */
export const IDLE_STATE: RunStreamState = {
  status: 'idle',
  runStatus: null,
  connection: 'none',
  threadId: null,
  runId: null,
  run: null,
  snapshot: emptyRunSnapshot(),
  toolCalls: [],
  approvals: [],
  error: null,
  queued: [],
  unsent: [],
}

/** The storage of reload-resume: the config's own, none (`null`), else `sessionStorage` where it works. */
export function storageOf(config: RunStreamConfig): RunStorage | null {
  if (config.storage !== undefined) {
    return config.storage
  }
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null // storage can throw when cookies are blocked
  }
}

/** The storage key of the active run of a thread. */
export function activeRunKey(baseURL: string, threadId: string): string {
  return `oai-runs:active-run:${baseURL}:${threadId}`
}

/** What a session and the queue show (a new object on every call; IDLE_STATE when there is nothing). */
export function viewOf(
  s: Session | null,
  { queued, unsent }: Pick<RunStreamState, 'queued' | 'unsent'>,
): RunStreamState {
  if (!s) {
    return queued.length + unsent.length ? { ...IDLE_STATE, queued, unsent } : IDLE_STATE
  }
  const run = s.snapshot.run
  return {
    queued,
    unsent,
    status: s.status,
    runStatus: run && s.cancelling && !isTerminalRunStatus(run.status) ? 'cancelling' : (run?.status ?? null),
    connection: s.connection,
    threadId: s.threadId,
    runId: s.runId,
    run,
    snapshot: s.snapshot,
    toolCalls: s.toolCalls,
    approvals: s.approvals,
    error: s.error,
  }
}

/** A new session (streaming, with nothing written yet), with `init` over the defaults. */
export function newSession(init: Partial<Session>): Session {
  const s: Session = {
    abort: new AbortController(),
    threadId: null,
    runId: null,
    snapshot: emptyRunSnapshot(),
    written: emptyRunSnapshot(),
    ownsRun: false,
    status: 'streaming',
    connection: 'stream',
    toolCalls: [],
    approvals: [],
    error: null,
    cancelling: false,
    reported: '',
    release: null,
    stopWatch: null,
    stream: null,
    followUp: null,
    disposed: false,
    ...init,
  }
  s.written = init.written ?? s.snapshot
  return s
}

/** Calls the config's `onEvent` with an event, and `onTextDelta` with each piece of its message text. */
export function reportEvent({ onEvent, onTextDelta }: RunStreamConfig, event: AnyRunStreamEvent): void {
  onEvent?.(event)
  if (onTextDelta && event.event === 'thread.message.delta' && !('unknown' in event)) {
    for (const part of event.data.delta?.content ?? []) {
      if (part.type === 'text' && typeof part.text?.value === 'string' && part.text.value !== '') {
        onTextDelta(part.text.value, { messageId: event.data.id })
      }
    }
  }
}

/** Events after which the view is flushed at once instead of at the next frame. */
export function isFinalEvent(event: AnyRunStreamEvent): boolean {
  if (event.event === 'error' || event.event === 'done') {
    return true
  }
  const status = (event.data as { status?: unknown } | null)?.status
  return (
    isRunEvent(event) &&
    typeof status === 'string' &&
    (status === 'requires_action' || isTerminalRunStatus(status))
  )
}

/** `thread.run.*` events (not steps or messages). */
export function isRunEvent(event: AnyRunStreamEvent): boolean {
  return event.event.startsWith('thread.run.') && !event.event.startsWith('thread.run.step.')
}

/** The entities of `next` that are new or no longer the same object as in `previous`. */
export function changed<T>(next: EntityCollection<T>, previous: EntityCollection<T>): T[] {
  if (next === previous) {
    return []
  }
  return next.ids.filter((id) => next.byId[id] !== previous.byId[id]).map((id) => next.byId[id]!)
}

let temporaryIds = 0

/** A temporary user message shown until the server's own arrives. */
export function optimisticMessage(threadId: string, input: CreateMessageParams): Message {
  temporaryIds += 1
  const text = typeof input.content === 'string' ? input.content : ''
  return {
    id: `temp_msg_${temporaryIds}`,
    object: 'thread.message',
    created_at: Math.floor(Date.now() / 1000),
    thread_id: threadId,
    status: 'completed',
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    role: input.role,
    content: [{ type: 'text', text: { value: text, annotations: [] } }],
    assistant_id: null,
    run_id: null,
    attachments: null,
    metadata: input.metadata ?? null,
  }
}
