// Owns the parse-speed figures: parseMarkdown (the renderer's parser, imported by path: internal) over 1 MB of mixed
// Markdown and over pathological inputs, median of 5 runs each, in the page's V8.
import { parseMarkdown } from '../../../packages/components/src/message-content/markdown.ts'
import { generateReply } from './reply.ts'

/** One input's timings: ms per run (median of `runs`), or the error the parser threw. */
export type ParseResult = {
  name: string
  bytes: number
  medianMs: number
  runs: number[]
  blocks: number
  error?: string
}

function inputs(bytes: number): { name: string; text: string }[] {
  const side = Math.round(Math.sqrt(bytes))
  return [
    { name: 'mixed Markdown (the reply generator)', text: generateReply(bytes, 1234) },
    { name: '`*a` repeated', text: '*a'.repeat(bytes / 2) },
    { name: '`[` repeated', text: '['.repeat(bytes) },
    { name: '`` ` `` repeated', text: '`'.repeat(bytes) },
    { name: '`<` repeated', text: '<'.repeat(bytes) },
    { name: '`>` repeated (one line: nested quotes)', text: `${'>'.repeat(bytes - 2)} a` },
    {
      name: `${side} lines of ${side} \`>\` (nested quotes)`,
      text: `${'>'.repeat(side - 2)} a\n`.repeat(side),
    },
  ]
}

// A full GC before each run (the bench process exposes it over CDP), so no run pays for the garbage of the cases or
// of the runs before it; without it the 1 MB figure moved 3× between runs of the bench.
const fullGc = async () => {
  await (window as unknown as { __benchGc?: () => Promise<void> }).__benchGc?.()
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Times parseMarkdown over each input `runs` times (fewer when one run takes over 5 s), after one warm-up, a full GC before each. */
export async function parseSpeed(bytes: number, runs: number): Promise<ParseResult[]> {
  const results: ParseResult[] = []
  for (const { name, text } of inputs(bytes)) {
    const times: number[] = []
    let blocks = 0
    try {
      parseMarkdown(text.slice(0, 10_000))
      for (let run = 0; run < runs; run++) {
        await fullGc()
        const started = performance.now()
        blocks = parseMarkdown(text).length
        times.push(performance.now() - started)
        if (times.at(-1)! > 5000) {
          break
        }
      }
      results.push({ name, bytes: text.length, medianMs: median(times), runs: times, blocks })
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      results.push({ name, bytes: text.length, medianMs: Number.NaN, runs: times, blocks, error: message })
    }
  }
  return results
}
