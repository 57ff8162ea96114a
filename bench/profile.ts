// `pnpm bench:profile`: the parse hot path (createRunStream → finalSnapshot() over the bench stream) under the V8
// sampling profiler, summarised as self time per function, next to the JSON.parse floor of the same payloads.
// Writes bench/results/parse-profile.md (the summary) and parse.cpuprofile (open it in Chrome DevTools).
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRunStream } from '@oai-runs/client'
import { fixtureResponse, generateRunStream } from './fixtures'
import { collectGarbage } from './stats'

type ProfileNode = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const RUNS = 8
const results = join(dirname(fileURLToPath(import.meta.url)), 'results')
const fixture = generateRunStream({ eventCount: 200_000 })
const run = async () => (await createRunStream(fixtureResponse(fixture)).finalSnapshot()).messages.ids.length

// Warm up (and check) outside the profile, as the bench's first round would.
for (let warm = 0; warm < 2; warm++) {
  if ((await run()) !== fixture.messages.size) {
    throw new Error('createRunStream did not fold every message')
  }
}

let floorMs = 0
for (let round = 0; round < RUNS; round++) {
  collectGarbage()
  const started = performance.now()
  for (const payload of fixture.payloads) {
    if (payload !== '[DONE]') {
      JSON.parse(payload)
    }
  }
  floorMs += performance.now() - started
}

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 100 })
await session.post('Profiler.start')
const started = performance.now()
for (let round = 0; round < RUNS; round++) {
  await run()
}
const oursMs = performance.now() - started
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile }
session.disconnect()

// Self time per function (file:line), in ms per run.
const selfMs = new Map<string, number>()
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
profile.samples.forEach((id, index) => {
  const frame = byId.get(id)!.callFrame
  const file = frame.url.split('/').pop() || '(native)'
  // Lines are those of the transpiled module (tsx), so functions are named by name and file only.
  const name = `${frame.functionName || '(anonymous)'} ${file}`
  selfMs.set(name, (selfMs.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000 / RUNS)
})
const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0)
const rows = [...selfMs]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20)
  .map(([name, ms]) => `| \`${name}\` | ${ms.toFixed(1)} | ${((100 * ms) / total).toFixed(1)}% |`)

const floor = floorMs / RUNS
const ours = oursMs / RUNS
const summary = [
  `Profile of \`createRunStream(response).finalSnapshot()\` over the bench stream (${fixture.payloads.length} events, ` +
    `${(fixture.bytes / 1e6).toFixed(1)} MB), ${RUNS} runs under the sampling profiler, Node ${process.version}: ` +
    `${ours.toFixed(0)} ms per run against ${floor.toFixed(0)} ms for \`JSON.parse\` of the payloads alone ` +
    `(${(ours / floor).toFixed(2)}× the floor; the profiler itself adds a little).`,
  '',
  'Self time per function, ms per run. `JSON.parse` is a builtin: its time shows in its caller (the `parse`',
  'closure of `run-stream.ts`); `decode` is `TextDecoder`; `(garbage collector)` is V8 GC.',
  '',
  '| function | ms/run | share |',
  '|---|---|---|',
  ...rows,
  '',
].join('\n')
writeFileSync(join(results, 'parse-profile.md'), summary)
writeFileSync(join(results, 'parse.cpuprofile'), JSON.stringify(profile))
console.log(summary)
console.log('wrote bench/results/parse-profile.md and bench/results/parse.cpuprofile')
