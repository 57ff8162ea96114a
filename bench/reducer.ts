// Accumulation: N text deltas into one message through reduceRunEvent, against a plain string join of the same
// pieces. Growth across N shows whether the fold stays linear (a copy of the whole text per delta would not).
import { type AnyRunStreamEvent, emptyRunSnapshot, type RunSnapshot, reduceRunEvent } from '@oai-runs/client'
import { createRandom } from './fixtures'
import { type Figure, interleave } from './stats'

const PIECES = [' the', ' run', ' stream', ' of', ' and', ' a', ' café', ' —', ' 42', '.', '\n']

function buildEvents(count: number): { prelude: AnyRunStreamEvent[]; deltas: AnyRunStreamEvent[] } {
  const random = createRandom(count)
  const message = {
    id: 'msg_accumulate',
    object: 'thread.message',
    created_at: 0,
    thread_id: 'thread_accumulate',
    status: 'in_progress',
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    role: 'assistant',
    content: [],
    assistant_id: 'asst_accumulate',
    run_id: 'run_accumulate',
    attachments: [],
    metadata: {},
  }
  const prelude = [{ event: 'thread.message.created', data: message }] as AnyRunStreamEvent[]
  const deltas: AnyRunStreamEvent[] = []
  for (let i = 0; i < count; i++) {
    const value = PIECES[Math.floor(random() * PIECES.length)]!
    const text = i === 0 ? { value, annotations: [] } : { value }
    deltas.push({
      event: 'thread.message.delta',
      data: {
        id: message.id,
        object: 'thread.message.delta',
        delta: { content: [{ index: 0, type: 'text', text }] },
      },
    } as AnyRunStreamEvent)
  }
  return { prelude, deltas }
}

function deltaText(event: AnyRunStreamEvent): string {
  const data = event.data as { delta: { content: [{ text: { value: string } }] } }
  return data.delta.content[0].text.value
}

function textOf(snapshot: RunSnapshot): string {
  const part = snapshot.messages.byId.msg_accumulate?.content[0]
  return part?.type === 'text' ? part.text.value : ''
}

export async function benchAccumulate(options: { rounds: number; sizes: number[] }) {
  const figures: Figure[] = []
  const perDelta: Record<number, number> = {}
  // Warm the fold up first, so the smallest N is not the one that pays for JIT compilation.
  const warm = buildEvents(20_000)
  ;[...warm.prelude, ...warm.deltas].reduce(
    (snapshot, event) => reduceRunEvent(snapshot, event),
    emptyRunSnapshot(),
  )
  for (const size of options.sizes) {
    const { prelude, deltas } = buildEvents(size)
    const start = prelude.reduce((snapshot, event) => reduceRunEvent(snapshot, event), emptyRunSnapshot())
    let folded = ''
    let joined = ''
    const summaries = await interleave(options.rounds, {
      reducer: {
        run() {
          let snapshot = start
          for (const event of deltas) {
            snapshot = reduceRunEvent(snapshot, event)
          }
          folded = textOf(snapshot)
        },
      },
      join: {
        run() {
          const parts: string[] = []
          for (const event of deltas) {
            parts.push(deltaText(event))
          }
          joined = parts.join('')
        },
      },
    })
    if (folded !== joined) {
      throw new Error(`reduceRunEvent lost text at N=${size} (${folded.length} vs ${joined.length} chars)`)
    }
    const ours = (summaries.reducer.median * 1000) / size
    const baseline = (summaries.join.median * 1000) / size
    perDelta[size] = ours
    figures.push({
      section: 'accumulate',
      name: `reduceRunEvent, ${size / 1000}k text deltas`,
      value: ours,
      unit: 'µs/delta',
      detail: `median ${summaries.reducer.median.toFixed(1)} ms, min ${summaries.reducer.min.toFixed(1)} ms; join ${baseline.toFixed(3)} µs/delta`,
      ...(size === 100_000 ? { target: { text: '≤ 1 µs/delta', met: ours <= 1 } } : {}),
      ratio: { value: ours / baseline, label: 'string join time' },
    })
  }
  const smallest = Math.min(...options.sizes)
  const largest = Math.max(...options.sizes)
  const growth = perDelta[largest]! / perDelta[smallest]!
  figures.push({
    section: 'accumulate',
    name: `growth of µs/delta from ${smallest / 1000}k to ${largest / 1000}k`,
    value: perDelta[largest]!,
    unit: 'µs/delta',
    // Quadratic growth would multiply the per-delta cost by the size ratio (here 8×); linear keeps it flat.
    target: { text: 'linear (≤ 1.5× per-delta cost at 8× N)', met: growth <= 1.5 },
    ratio: { value: growth, label: `of the ${smallest / 1000}k per-delta cost` },
  })
  return { figures }
}
