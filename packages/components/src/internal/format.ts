// Pure formatting helpers shared by the parts (no React).
import type { RunStatus, Usage } from '@oai-runs/client'

const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  in_progress: 'In progress',
  requires_action: 'Requires action',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  failed: 'Failed',
  completed: 'Completed',
  incomplete: 'Incomplete',
  expired: 'Expired',
}

/** A human label for a run or step status; unknown future statuses are shown raw (checklist C7). */
export function statusLabel(status: string): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status as RunStatus] : status
}

/** `unix seconds` → ISO string for `<time dateTime>`. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString()
}

let clockFormat: Intl.DateTimeFormat | undefined

/** `unix seconds` → a short local time, e.g. `14:03:07`. */
export function clockTime(seconds: number): string {
  // One formatter for the page: `toLocaleTimeString` builds a new one per call (~0.1 ms), and a streaming
  // timeline renders its clock times on every frame.
  clockFormat ??= new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  return clockFormat.format(seconds * 1000)
}

/** `unix seconds` → the same clock time in UTC, e.g. `14:03:07 UTC` (the same text on every machine). */
export function utcClockTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(11, 19)} UTC`
}

/** Seconds → `m:ss` (or `h:mm:ss`); negative values count as 0. */
export function countdown(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(seconds % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** Seconds → a spoken duration, e.g. `9 minutes 32 seconds`. */
export function spokenDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  const parts = []
  if (m > 0) {
    parts.push(`${m} minute${m === 1 ? '' : 's'}`)
  }
  if (s > 0 || m === 0) {
    parts.push(`${s} second${s === 1 ? '' : 's'}`)
  }
  return parts.join(' ')
}

/** A difference of two unix-second timestamps as `1.2 s` / `3 min 4 s`. */
export function elapsed(from: number, to: number): string {
  const seconds = Math.max(0, to - from)
  if (seconds < 60) {
    return `${seconds} s`
  }
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/** Token usage as `120 tokens (100 prompt, 20 completion)`. */
export function usageText(usage: Usage): string {
  return `${usage.total_tokens} tokens (${usage.prompt_tokens} prompt, ${usage.completion_tokens} completion)`
}

/** Parses tool-call arguments: pretty JSON when valid, otherwise the raw text (checklist F8). */
export function parseArguments(
  text: string,
): { ok: true; value: unknown; pretty: string } | { ok: false; raw: string } {
  try {
    const value: unknown = JSON.parse(text)
    return { ok: true, value, pretty: JSON.stringify(value, null, 2) }
  } catch {
    return { ok: false, raw: text }
  }
}
