// The ids objects that name a thread or a run in every call (`{ threadId }`, `{ threadId, runId }`).

/** Identifies a thread. */
export type ThreadIds = { threadId: string }

/** Identifies a run of a thread. */
export type RunIds = { threadId: string; runId: string }
