// Owns what the routes ask of runs (start, refresh, submit, cancel), asynchronous so that a store shared by several
// instances can load, lease and flush around the engine; and the local service over one process's engine and store.

import type { Clock } from './clock.ts'
import type { RunsData } from './data.ts'
import { activeStatuses, type RunEngine } from './engine.ts'
import type { EventHub } from './events.ts'
import type { FilesStore, RunsStore } from './store.ts'
import type { RunObject } from './types.ts'

/** A stored stream event: its place in the run's stream, its name and its data (JSON text). */
export interface FollowedEvent {
  seq: number
  event: string
  data: string
}

/** A tool output as a submit carries it. */
export type ToolOutputInput = { tool_call_id?: string; output?: string }
/** A tool approval as a submit carries it. */
export type ToolApprovalInput = { tool_call_id: string; approve: boolean }

/** What the routes ask of runs. Every method may wait on the store; errors are the API's (HttpError). */
export interface RunService {
  /** The objects, as the routes read and write them. */
  readonly data: RunsData
  /** Where the streams of the runs this instance drives are published. */
  readonly hub: EventHub
  /** The run as it is now: an active run whose `expires_at` has passed is expired first. */
  refresh(run: RunObject): Promise<RunObject>
  /** The thread's active run, if any (after expiring overdue ones). */
  activeRun(threadId: string): Promise<RunObject | undefined>
  /** Starts a saved, queued run in the background: `thread.run.created`, `thread.run.queued`, then the model. */
  start(run: RunObject): Promise<void>
  /** Checks that outputs answer exactly the calls the run waits on; rejects with the API's 400 otherwise. */
  checkToolOutputs(threadId: string, runId: string, outputs: ToolOutputInput[]): Promise<void>
  /** Accepts every tool output of a `requires_action` run and resumes it; answers the queued run. */
  submitToolOutputs(threadId: string, runId: string, outputs: ToolOutputInput[]): Promise<RunObject>
  /** Checks that approvals answer exactly the calls a `submit_tool_approval` run waits on. */
  checkToolApprovals(threadId: string, runId: string, approvals: ToolApprovalInput[]): Promise<void>
  /** Accepts the approvals of a `submit_tool_approval` run and resumes it; answers the queued run. */
  submitToolApprovals(threadId: string, runId: string, approvals: ToolApprovalInput[]): Promise<RunObject>
  /** Moves a run to `cancelling`; it becomes `cancelled` (or, with the race fault, `completed`). */
  cancel(threadId: string, runId: string, losesRace: boolean): Promise<RunObject>
  /**
   * A run's stored stream events after `afterSeq` (1, 2, 3 …), then the live ones, whichever instance drives the
   * run; ends after the event that stops the run (`requires_action` or its end). Only stores that keep streams
   * (the Postgres store) have it.
   */
  follow?(runId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<FollowedEvent>
  /** The API's 400 for a second run on a thread. */
  activeRunError(threadId: string, runId: string): Error
  /** The API's 400 for a message added while a run is active. */
  messageDuringRunError(threadId: string, runId: string): Error
  /** Stops the runs this instance drives (their timers and model calls). */
  close(): Promise<void>
}

/** The run service of one process: the engine works on the store the routes read (memory or SQLite). */
export function createLocalRunService(engine: RunEngine, data: RunsData, hub: EventHub): RunService {
  return {
    data,
    hub,
    refresh: async (run) => engine.refresh(run),
    activeRun: async (threadId) => engine.activeRun(threadId),
    start: async (run) => engine.start(run),
    checkToolOutputs: async (threadId, runId, outputs) => {
      engine.checkToolOutputs(threadId, runId, outputs)
    },
    submitToolOutputs: async (threadId, runId, outputs) => engine.submitToolOutputs(threadId, runId, outputs),
    checkToolApprovals: async (threadId, runId, approvals) => {
      engine.checkToolApprovals(threadId, runId, approvals)
    },
    submitToolApprovals: async (threadId, runId, approvals) =>
      engine.submitToolApprovals(threadId, runId, approvals),
    cancel: async (threadId, runId, losesRace) => engine.cancel(threadId, runId, losesRace),
    activeRunError: engine.activeRunError,
    messageDuringRunError: engine.messageDuringRunError,
    close: async () => engine.close(),
  }
}

/** What a shared store gets from the server it serves, to build that instance's run service. */
export interface RunServiceParts {
  /** The instance's hub: its streams subscribe here. */
  hub: EventHub
  clock: Clock
  /** Makes an engine that works on `store` and emits on `hub` (the server's model, ids, texts and pace). */
  createEngine(store: RunsStore, hub: EventHub): RunEngine
}

/**
 * A store that several server instances share (Postgres): each instance's server hands it its engine's parts, and
 * it answers the instance's run service (loading, leasing and flushing around the engine).
 */
export interface SharedRunsStore {
  /** Marks a shared store. */
  readonly shared: true
  /** Files and vector stores; without them, each instance keeps its own in memory. */
  files?: FilesStore
  /** Builds one server instance's run service; call once per server. */
  attach(parts: RunServiceParts): RunService
  /** Closes the connection pool, after the attached servers were closed. */
  close(): Promise<void>
}

/** Whether a run holds its thread (no new run, no new message). */
export const isActive = (run: RunObject) => activeStatuses.includes(run.status)
