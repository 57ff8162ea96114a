// The events of a run stream: their names and payloads, and the shape of an event this library does not know.
import type { Message, MessageDelta } from './message.ts'
import type { Run } from './run.ts'
import type { ErrorObject } from './shared.ts'
import type { RunStep, RunStepDelta } from './step.ts'
import type { Thread } from './thread.ts'

/** Names of the events whose data is a full Run. */
export type RunEventName =
  | 'thread.run.created'
  | 'thread.run.queued'
  | 'thread.run.in_progress'
  | 'thread.run.requires_action'
  | 'thread.run.completed'
  | 'thread.run.incomplete'
  | 'thread.run.failed'
  | 'thread.run.cancelling'
  | 'thread.run.cancelled'
  | 'thread.run.expired'

/** Names of the events whose data is a full RunStep. */
export type RunStepEventName =
  | 'thread.run.step.created'
  | 'thread.run.step.in_progress'
  | 'thread.run.step.completed'
  | 'thread.run.step.failed'
  | 'thread.run.step.cancelled'
  | 'thread.run.step.expired'

/** Names of the events whose data is a full Message. */
export type MessageEventName =
  | 'thread.message.created'
  | 'thread.message.in_progress'
  | 'thread.message.completed'
  | 'thread.message.incomplete'

/** A known event of a run stream: the 23 `thread.*` events plus `error` and `done`. */
export type RunStreamEvent =
  | { event: 'thread.created'; data: Thread }
  | { [E in RunEventName]: { event: E; data: Run } }[RunEventName]
  | { [E in RunStepEventName]: { event: E; data: RunStep } }[RunStepEventName]
  | { event: 'thread.run.step.delta'; data: RunStepDelta }
  | { [E in MessageEventName]: { event: E; data: Message } }[MessageEventName]
  | { event: 'thread.message.delta'; data: MessageDelta }
  | { event: 'error'; data: ErrorObject }
  | { event: 'done'; data: '[DONE]' }

/** The name of a known run stream event. */
export type RunStreamEventName = RunStreamEvent['event']

/** An event this library does not know (servers may add events); passed through, never thrown. */
export type UnknownStreamEvent = { event: string; data: unknown; unknown: true }
