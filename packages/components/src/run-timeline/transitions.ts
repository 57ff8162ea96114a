// Status transitions of a run: from its timestamps, plus statuses observed live (requires_action,
// cancelling, expired, …) that have no timestamp field of their own.
import type { Run } from '@oai-runs/client'

const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete'])

/** One status change with its time (unix seconds); `estimated` when nothing proves when it happened. */
export type RunTransition = { status: string; at: number; estimated?: boolean }

/** The transitions a run's timestamps prove, merged with observed ones, in time order. */
export function deriveTransitions(run: Run, observed: readonly RunTransition[] = []): RunTransition[] {
  const known: RunTransition[] = []
  const add = (status: string, at: number | null | undefined) => {
    if (typeof at === 'number' && at > 0) {
      known.push({ status, at })
    }
  }
  add('queued', run.created_at)
  add('in_progress', run.started_at)
  add('cancelled', run.cancelled_at)
  add('failed', run.failed_at)
  add(run.status === 'incomplete' ? 'incomplete' : 'completed', run.completed_at)
  if (run.status === 'expired') {
    add('expired', run.expires_at)
  }
  const all = [...known]
  for (const transition of observed) {
    // A timestamp beats an observation of the same status (the server's clock, not ours).
    const proven =
      known.some((item) => item.status === transition.status) &&
      transition.status !== 'queued' &&
      transition.status !== 'in_progress'
    if (
      !proven &&
      !all.some((item) => item.status === transition.status && Math.abs(item.at - transition.at) <= 1)
    ) {
      all.push(transition)
    }
  }
  // The current status is always the last entry, even when no timestamp or observation proves it yet.
  if (all.length === 0 || !all.some((item) => item.status === run.status)) {
    all.push({
      status: run.status,
      at: Math.max(run.created_at, ...all.map((item) => item.at)),
      estimated: true,
    })
  }
  // Same-second ties: proven non-terminal steps first, then observations in the order seen, terminal last.
  const rank = (item: RunTransition) => (TERMINAL.has(item.status) ? 2 : known.includes(item) ? 0 : 1)
  return all
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.at - b.item.at || rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item)
}
