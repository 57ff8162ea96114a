// Owns the statements that write many runs' batches in one transaction (the write-behind's group commit): one
// statement claims (or fences) every run, bumps its event seq, inserts its events and sends its wake-up; then one
// multi-row upsert per table, whatever the number of runs. Statements per transaction stay constant as runs grow,
// which is what lets one instance keep hundreds of streams on one database.
import type { MessageObject, RunObject, RunStepObject, StreamEvent } from '../types.ts'
import type { Queryable } from './driver.ts'
import { eventsChannel } from './events.ts'
import { jsonbText } from './jsonb.ts'
import { terminalRunStatuses } from './schema.ts'

/** One run's share of a group: its objects written since the last batch, and its events in emit order. */
export interface RunBatch {
  runId: string
  threadId: string
  runs: Map<string, RunObject>
  steps: Map<string, RunStepObject>
  messages: Map<string, MessageObject>
  events: StreamEvent[]
}

/** What the database said of a run that this instance may write (it holds or claimed it, and it has not ended). */
export interface ClaimedRow {
  status: string
  metadata: RunObject['metadata']
}

const terminal = new Set<string>(terminalRunStatuses)
const releasing = (status: string) => status === 'requires_action' || terminal.has(status)
const keptByCancel = new Set<string>(['queued', 'in_progress', 'requires_action'])

/**
 * Writes `batches` in `tx`: claims every run for `instanceId` (owner nobody or this instance, status not terminal),
 * and writes only the runs it could claim. A run's metadata and a `cancelling` status in the database win over the
 * engine's copy (routes on other instances write those). Leases are released for runs that reach
 * `requires_action` or an end.
 * @returns the claimed runs, by id; a run missing from it was not written (another instance holds or ended it).
 */
export async function writeGroup(
  tx: Queryable,
  batches: readonly RunBatch[],
  instanceId: string,
  leaseExpiresAt: number,
  now: number,
): Promise<Map<string, ClaimedRow>> {
  const wanted: { id: string; n: number }[] = []
  const events: { run_id: string; ord: number; event: string; data: unknown }[] = []
  for (const batch of batches) {
    wanted.push({ id: batch.runId, n: batch.events.length })
    batch.events.forEach((event, index) => {
      // The data as a JSON value, not a string inside the JSON: serialized once, not escaped again.
      // A string's NUL would not survive `#>>` (below); an object's is kept, as the escape in the stored text.
      const data = typeof event.data === 'string' ? event.data.replaceAll('\u0000', '\ufffd') : event.data
      events.push({ run_id: batch.runId, ord: index + 1, event: event.event, data })
    })
  }
  // Claim or fence, bump each run's seq (the row lock orders its events), insert the events numbered from it, and
  // queue the wake-ups: one round trip. Runs not returned were not claimed, and get no events. Rows travel as one
  // JSON parameter per statement (typed text, so the driver sends the string as is): one serialization, no per-value
  // array escaping.
  let eventsJson = JSON.stringify(events)
  if (eventsJson.includes('\\u0000')) {
    // json_to_recordset decodes every string of its input and refuses an escaped NUL, even inside a json column:
    // a group with one takes each event's data as a string (its NUL escaped twice, so it stays in the stored text).
    eventsJson = JSON.stringify(
      events.map((event) => ({
        ...event,
        data: typeof event.data === 'string' ? event.data : JSON.stringify(event.data),
      })),
    )
  }
  const rows = await tx<{ id: string; status: string; metadata: RunObject['metadata'] }[]>`
    WITH wanted AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(wanted)}::text::json) AS w(id text, n int)
    ), claimed AS (
      UPDATE runs SET owner = ${instanceId}, lease_expires_at = ${leaseExpiresAt}, event_seq = runs.event_seq + wanted.n
      FROM wanted
      WHERE runs.id = wanted.id AND (runs.owner IS NULL OR runs.owner = ${instanceId})
        AND runs.status NOT IN ${tx(terminalRunStatuses)}
      RETURNING runs.id, runs.status, runs.body->'metadata' AS metadata, runs.event_seq AS last, wanted.n
    ), inserted AS (
      INSERT INTO run_events (run_id, seq, event, data, created_at)
      SELECT e.run_id, claimed.last - claimed.n + e.ord, e.event,
        CASE WHEN json_typeof(e.data) = 'string' THEN e.data #>> '{}' ELSE e.data::text END, ${now}
      FROM json_to_recordset(${eventsJson}::text::json) AS e(run_id text, ord int, event text, data json)
      JOIN claimed ON claimed.id = e.run_id
    )
    SELECT id, status, metadata,
      CASE WHEN n > 0 THEN pg_notify(${eventsChannel}, id || ':' || last) END AS notified
    FROM claimed`
  const claimed = new Map(rows.map((row) => [row.id, { status: row.status, metadata: row.metadata }]))

  const runs: { threadId: string; run: RunObject }[] = []
  const steps: { runId: string; step: RunStepObject }[] = []
  const messages = new Map<string, { threadId: string; message: MessageObject }>()
  const released: string[] = []
  for (const batch of batches) {
    const row = claimed.get(batch.runId)
    if (!row) {
      continue
    }
    for (const run of batch.runs.values()) {
      const kept: RunObject = {
        ...run,
        metadata: row.metadata,
        ...(row.status === 'cancelling' && keptByCancel.has(run.status)
          ? { status: 'cancelling' as const }
          : {}),
      }
      runs.push({ threadId: batch.threadId, run: kept })
      if (run.id === batch.runId && releasing(kept.status)) {
        released.push(run.id)
      }
    }
    for (const step of batch.steps.values()) {
      steps.push({ runId: batch.runId, step })
    }
    for (const message of batch.messages.values()) {
      // Keyed like the table: a message two batches of the group wrote goes in once, the later copy.
      messages.set(`${batch.threadId}\u0000${message.id}`, { threadId: batch.threadId, message })
    }
  }

  // The driver pipelines these on the transaction's connection, in order: no round trip each.
  const writes: Promise<unknown>[] = []
  if (runs.length > 0) {
    const rows = runs.map(({ threadId, run }) => ({
      thread_id: threadId,
      id: run.id,
      status: run.status,
      created_at: run.created_at,
      ended_at: terminal.has(run.status) ? now : null,
      body: run,
    }))
    writes.push(tx`
      INSERT INTO runs (thread_id, id, status, created_at, ended_at, body)
      SELECT * FROM json_to_recordset(${jsonbText(JSON.stringify(rows))}::text::json)
        AS r(thread_id text, id text, status text, created_at bigint, ended_at bigint, body jsonb)
      ON CONFLICT (thread_id, id) DO UPDATE SET
        status = excluded.status,
        created_at = excluded.created_at,
        ended_at = CASE WHEN excluded.ended_at IS NULL THEN NULL ELSE COALESCE(runs.ended_at, excluded.ended_at) END,
        body = excluded.body`)
  }
  if (steps.length > 0) {
    const rows = steps.map(({ runId, step }) => ({
      run_id: runId,
      id: step.id,
      thread_id: step.thread_id ?? null,
      created_at: step.created_at,
      body: step,
    }))
    writes.push(tx`
      INSERT INTO run_steps (run_id, id, thread_id, created_at, body)
      SELECT * FROM json_to_recordset(${jsonbText(JSON.stringify(rows))}::text::json)
        AS s(run_id text, id text, thread_id text, created_at bigint, body jsonb)
      ON CONFLICT (run_id, id) DO UPDATE SET
        thread_id = excluded.thread_id, created_at = excluded.created_at, body = excluded.body`)
  }
  if (messages.size > 0) {
    const rows = [...messages.values()].map(({ threadId, message }) => ({
      thread_id: threadId,
      id: message.id,
      run_id: message.run_id ?? null,
      created_at: message.created_at,
      body: message,
    }))
    writes.push(tx`
      INSERT INTO messages (thread_id, id, run_id, created_at, body)
      SELECT * FROM json_to_recordset(${jsonbText(JSON.stringify(rows))}::text::json)
        AS m(thread_id text, id text, run_id text, created_at bigint, body jsonb)
      ON CONFLICT (thread_id, id) DO UPDATE SET
        run_id = excluded.run_id, created_at = excluded.created_at, body = excluded.body`)
  }
  if (released.length > 0) {
    writes.push(
      tx`UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE id = ANY(${tx.array(released)}::text[])`,
    )
  }
  await Promise.all(writes)
  return claimed
}
