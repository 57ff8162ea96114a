// `pnpm bench:browser`: frame times, long tasks, main-thread time and React commit time in Debian's Chromium while a
// long Markdown reply streams from a Runs server in the page (in its worker by default), for four cases interleaved over rounds (MessageContent,
// ConnectedRunViewer, the playground app, a plain-text floor) plus the idle playground, and parseMarkdown's speed.
// Prints one line per figure; writes bench/results/browser.{json,md} (`--out=NAME` for another name).
import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type CDPSession, chromium, type Page } from 'playwright-core'
import { formatNumber } from '../stats.ts'
import { buildPage, repoRoot, servePage } from './bundle.ts'
import { type CpuProfile, startProfile, stopProfile, summariseProfile } from './cpu-profile.ts'
import type { BenchPage, CaseResult } from './page/main.tsx'
import type { ParseResult } from './page/parse-speed.ts'
import {
  CASE_LABELS,
  type CaseName,
  caseLines,
  caseTable,
  formatLine,
  type Line,
  medianSample,
  type RawWindow,
  type Sample,
  sampleOf,
} from './report.ts'
import { startTrace, summariseTrace, type TraceEvent } from './trace.ts'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    only: { type: 'string' },
    root: { type: 'string', default: repoRoot },
    out: { type: 'string' },
    rounds: { type: 'string' },
    'profile-case': { type: 'string', default: 'viewer' },
    label: { type: 'string' },
    server: { type: 'string', default: 'worker' },
    cases: { type: 'string' },
    json: { type: 'string' },
  },
})
const sections = new Set((values.only ?? 'cases,parse').split(',').map((name) => name.trim()))
for (const name of sections) {
  if (name !== 'cases' && name !== 'parse') {
    throw new Error(`--only=${values.only}: the sections are cases and parse (e.g. --only=cases)`)
  }
}
if (values.server !== 'worker' && values.server !== 'main') {
  throw new Error(`--server=${values.server}: worker (the default) or main (the page's main thread)`)
}
const root = resolve(values.root)
const quick = values.quick
const settings = {
  replyBytes: quick ? 8_000 : 60_000,
  rounds: Number(values.rounds ?? (quick ? 1 : 3)),
  idleMs: quick ? 1000 : 3000,
  parseBytes: quick ? 100_000 : 1_000_000,
  parseRuns: quick ? 3 : 5,
  msPerToken: 1,
  server: values.server as 'worker' | 'main',
  maxStreamMs: 180_000,
}
if (!Number.isInteger(settings.rounds) || settings.rounds < 1) {
  throw new Error(`--rounds=${values.rounds}: give a whole number of rounds, 1 or more`)
}
const resultsDir = join(repoRoot, 'bench/results')
// Written on full runs (or when --out names the files), as `pnpm bench` writes results/latest.* on full runs only.
const outName = values.out ?? (quick || values.only || values.rounds || values.cases ? null : 'browser')

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromiumPath)) {
  console.error(
    `bench:browser: no Chromium at ${chromiumPath}. Run \`node scripts/ensure-test-env.mjs\` (as root it installs ` +
      "Debian's chromium with apt-get), or install it yourself (`sudo apt-get install chromium`), or set CHROMIUM_PATH.",
  )
  process.exit(1)
}

const git = (args: string[], cwd: string) => {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

const built = await buildPage(root)
// The bundle's temporary directory goes however the run ends (a failed case throws out of the top level).
process.on('exit', () => built.close())
const site = await servePage(built)
const browser = await chromium.launch({
  executablePath: chromiumPath,
  // As vite.config.ts's chromiumArgs.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
})
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' })
// react-dom's profiling build logs every component render to the Performance panel with console.timeStamp. With
// the CDP Runtime domain on (playwright's), each call is also reported to the bench process, which made it ~10% of
// the main thread; production builds have no such logging. Without console.timeStamp the build skips it, while
// <Profiler onRender> keeps its timings.
await context.addInitScript(() => {
  ;(console as unknown as { timeStamp?: unknown }).timeStamp = undefined
})
const page: Page = await context.newPage()
const pageErrors: string[] = []
page.on('pageerror', (error) => pageErrors.push(error.message))
page.on('console', (message) => {
  if (message.type() === 'error') {
    pageErrors.push(message.text())
  }
})
await page.goto(site.url)
await page
  .waitForFunction(() => document.documentElement.dataset.benchReady === 'true', null, { timeout: 15_000 })
  .catch((error) => {
    throw new Error(
      `bench:browser: the bench page did not start: ${pageErrors.join('; ') || (error as Error).message}`,
    )
  })
const cdp: CDPSession = await context.newCDPSession(page)
await page.exposeFunction('__benchGc', async () => {
  await cdp.send('HeapProfiler.collectGarbage')
})
// Thread time, not wall time: on a shared machine a task's wall time includes the time its thread waited for a core.
await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })

type PageBench = { __bench: BenchPage }
const mount = { replyBytes: settings.replyBytes, msPerToken: settings.msPerToken, server: settings.server }
const prepare = (name: CaseName) =>
  page.evaluate(([n, options]) => (window as unknown as PageBench).__bench.prepare(n, options), [
    name,
    mount,
  ] as const)
const cleanup = () => page.evaluate(() => (window as unknown as PageBench).__bench.cleanup())

async function metrics(): Promise<{ task: number; script: number }> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[]
  }
  const get = (name: string) => (list.find((metric) => metric.name === name)?.value ?? 0) * 1000
  return { task: get('TaskDuration'), script: get('ScriptDuration') }
}

// Main-thread time of one evaluate (CDP metric deltas around it), after a full GC.
async function timed<T extends { durationMs: number }>(work: () => Promise<T>): Promise<T & RawWindow> {
  await cdp.send('HeapProfiler.collectGarbage')
  const before = await metrics()
  const result = await work()
  const after = await metrics()
  return {
    ...(result as T & RawWindow),
    taskMs: after.task - before.task,
    scriptMs: after.script - before.script,
  }
}

async function streamCase(name: CaseName): Promise<CaseResult & RawWindow> {
  await prepare(name)
  const result = await timed(() =>
    page.evaluate((maxMs) => (window as unknown as PageBench).__bench.run(maxMs), settings.maxStreamMs),
  )
  await cleanup()
  return result
}

const commit = git(['rev-parse', '--short', 'HEAD'], root)
const dirty = commit ? git(['status', '--porcelain', '--', 'packages', 'playground'], root) : null
const source = commit
  ? `commit ${commit}${dirty ? ' + uncommitted changes in packages/ or playground/' : ''}`
  : 'a copy, not a git checkout'
const header = [
  `Chromium ${browser.version()} (${chromiumPath}), headless, 1440×900; root ${root} (${source})` +
    (values.label ? `: ${values.label}` : ''),
  `reply ${formatNumber(settings.replyBytes)} B of Markdown in ~4-character tokens, ${settings.msPerToken} ms per token (the model's wall-clock schedule), server in ${settings.server === 'worker' ? 'a worker of the page' : "the page's main thread"}; ` +
    `${settings.rounds} interleaved rounds, medians; React: react-dom/profiling (its console.timeStamp tracks off), NODE_ENV=production; ` +
    `load average at the start ${loadavg()[0]!.toFixed(1)} (1 min), shared machine`,
]
console.log(header.join('\n'))

// The case --profile and --trace look at: the ConnectedRunViewer unless --profile-case names another.
function profiledCase(): CaseName {
  const name = values['profile-case'] as CaseName
  if (!(name in CASE_LABELS)) {
    throw new Error(`--profile-case=${name}: pick one of ${Object.keys(CASE_LABELS).join(', ')}`)
  }
  return name
}

if (values.trace) {
  // A warm-up run, then one traced run of the case.
  const traced = profiledCase()
  await streamCase(traced)
  await prepare(traced)
  const stop = await startTrace(cdp)
  let streamMs = 0
  let events: TraceEvent[]
  try {
    const result = await page.evaluate(
      (maxMs) => (window as unknown as PageBench).__bench.run(maxMs),
      settings.maxStreamMs,
    )
    streamMs = result.durationMs
  } finally {
    events = await stop()
  }
  const summary = [
    `# Browser trace: ${CASE_LABELS[traced]}`,
    '',
    ...header,
    '',
    `One traced run (after a warm-up): the stream took ${formatNumber(streamMs / 1000)} s. Work of the renderer's main thread by kind, ` +
      'self time (an event less the events inside it). Tracing itself slows the page: compare kinds, not totals with the bench.',
    '',
    ...summariseTrace(events, 50),
    '',
  ].join('\n')
  const name = `browser-trace-${traced}`
  writeFileSync(join(resultsDir, `${name}.md`), summary)
  // The whole trace is tens of MB: it goes to the temporary directory, to open in DevTools' Performance panel.
  const full = join(tmpdir(), `oai-runs-${name}.json`)
  writeFileSync(full, JSON.stringify({ traceEvents: events }))
  console.log(summary)
  console.log(`wrote bench/results/${name}.md; the whole trace (for DevTools' Performance panel): ${full}`)
} else if (values.profile) {
  // A warm-up run outside the profile, then profiled runs of the case.
  const profiled = profiledCase()
  const runs = quick ? 1 : 2
  await streamCase(profiled)
  await prepare(profiled)
  await startProfile(cdp)
  const started = performance.now()
  let cpu: CpuProfile
  let streamMs = 0
  try {
    for (let run = 0; run < runs; run++) {
      if (run > 0) {
        await prepare(profiled)
      }
      const result = await page.evaluate(
        (maxMs) => (window as unknown as PageBench).__bench.run(maxMs),
        settings.maxStreamMs,
      )
      streamMs += result.durationMs
    }
  } finally {
    cpu = await stopProfile(cdp)
  }
  const wallMs = performance.now() - started
  const { rows, moduleRows, busyMs, idleMs } = summariseProfile(cpu, built.bundle, runs)
  const summary = [
    `# Browser CPU profile: ${CASE_LABELS[profiled]}`,
    '',
    ...header,
    '',
    `${runs} profiled run(s) (after a warm-up), CDP Profiler at 200 µs: per run the stream took ${formatNumber(streamMs / runs / 1000)} s, ` +
      `the main thread was busy ${formatNumber(busyMs)} ms (idle ${formatNumber(idleMs)} ms; ${formatNumber(wallMs / 1000)} s in all with the mounts). ` +
      (settings.server === 'worker'
        ? 'The Runs server runs in a worker of the page: its time is not in this (main-thread) profile; the client is.'
        : "The Runs server runs on the page's main thread (--server=main): its time is part of the busy time."),
    '',
    'Self time per function (module from the bundle), ms per run and share of the busy time; `(program)` is the',
    "browser's own work outside JavaScript (style, layout, paint, tasks), `(garbage collector)` is V8 GC.",
    '',
    '| function | ms/run | share |',
    '|---|---|---|',
    ...rows,
    '',
    'The same self time by source module (top 15):',
    '',
    '| module | ms/run | share |',
    '|---|---|---|',
    ...moduleRows,
    '',
  ].join('\n')
  const name = profiled === 'viewer' ? 'browser-profile' : `browser-profile-${profiled}`
  writeFileSync(join(resultsDir, `${name}.md`), summary)
  writeFileSync(join(resultsDir, `${name}.cpuprofile`), JSON.stringify(cpu))
  console.log(summary)
  console.log(`wrote bench/results/${name}.md and bench/results/${name}.cpuprofile`)
} else {
  const lines: Line[] = []
  const md: string[] = [
    `# Browser bench (\`pnpm bench:browser\`)`,
    '',
    ...header.map((line) => `${line}  `),
    '',
  ]
  const json: Record<string, unknown> = {
    settings: { ...settings, root, source, label: values.label ?? null, chromium: browser.version() },
  }
  if (sections.has('cases')) {
    const all = [...(Object.keys(CASE_LABELS) as CaseName[]), 'idle'] as const
    const picked = values.cases?.split(',').map((name) => name.trim())
    const unknown = picked?.filter((name) => !(all as readonly string[]).includes(name)) ?? []
    if (unknown.length > 0) {
      throw new Error(`--cases=${values.cases}: the cases are ${all.join(', ')}`)
    }
    const names = all.filter((name) => !picked || picked.includes(name))
    const samples = Object.fromEntries(names.map((name) => [name, [] as Sample[]])) as Record<
      (typeof all)[number],
      Sample[]
    >
    for (let round = 0; round < settings.rounds; round++) {
      for (let offset = 0; offset < names.length; offset++) {
        const name = names[(round + offset) % names.length]!
        const raw =
          name === 'idle'
            ? await timed(() =>
                page.evaluate(([ms, options]) => (window as unknown as PageBench).__bench.idle(ms, options), [
                  settings.idleMs,
                  mount,
                ] as const),
              )
            : await streamCase(name)
        if (name === 'idle') {
          await cleanup()
        }
        const sample = sampleOf(raw)
        samples[name].push(sample)
        console.log(
          `  round ${round + 1} ${name.padEnd(10)} ${formatNumber(sample.durationMs / 1000)} s, p95 ${formatNumber(sample.frameP95)} ms, ` +
            `${formatNumber(sample.fps)} fps, main thread ${formatNumber(sample.taskMs)} ms, long tasks ${sample.longTaskCount}`,
        )
      }
    }
    const medians = Object.fromEntries(names.map((name) => [name, medianSample(samples[name])])) as Record<
      (typeof all)[number],
      Sample
    >
    // Figures and the table need every case (ratios are to the floor); a --cases subset prints its rounds only.
    if (!picked) {
      lines.push(...caseLines(medians, medians.idle))
      md.push(...caseTable(medians, medians.idle), '')
    }
    json.cases = Object.fromEntries(
      names.map((name) => [name, { median: medians[name], rounds: samples[name] }]),
    )
  }
  if (sections.has('parse')) {
    const parse = await page.evaluate(
      ([bytes, runs]) => (window as unknown as PageBench).__bench.parseSpeed(bytes, runs),
      [settings.parseBytes, settings.parseRuns] as const,
    )
    const mb = formatNumber(settings.parseBytes / 1e6)
    lines.push(...parse.map((result, index) => parseLine(result, index === 0, mb)))
    md.push(
      `| parseMarkdown over ${mb} MB (median of ${settings.parseRuns}) | ms | goal |`,
      '|---|---|---|',
      ...parse.map(
        (result, index) =>
          `| ${result.name} | ${result.error ? `threw ${result.error}` : formatNumber(result.medianMs)} | ${index === 0 ? `${result.medianMs <= 300 ? '✅' : '❌'} ≤ 300 ms` : ''} |`,
      ),
      '',
    )
    json.parse = parse
  }
  md.push(`Load average at the end: ${loadavg()[0]!.toFixed(1)} (1 min).`, '')
  if (pageErrors.length > 0) {
    md.push(`Page errors: ${pageErrors.map((message) => `\`${message}\``).join(', ')}`, '')
  }
  console.log('')
  for (const line of lines) {
    console.log(formatLine(line))
  }
  json.figures = lines
  json.pageErrors = pageErrors
  if (outName) {
    writeFileSync(join(resultsDir, `${outName}.json`), `${JSON.stringify(json, null, 2)}\n`)
    writeFileSync(join(resultsDir, `${outName}.md`), md.join('\n'))
    console.log(`wrote bench/results/${outName}.json and ${outName}.md`)
  }
  if (values.json) {
    writeFileSync(resolve(values.json), `${JSON.stringify(json, null, 2)}\n`)
  }
}

function parseLine(result: ParseResult, mixed: boolean, mb: string): Line {
  return {
    name: `parseMarkdown ${mb} MB: ${result.name}`.slice(0, 60),
    value: result.medianMs,
    unit: 'ms',
    detail: result.error
      ? `threw ${result.error}`
      : `median of ${result.runs.length}, ${formatNumber(result.bytes / 1e3)} kB, ${result.blocks} blocks`,
    ...(mixed ? { target: { text: '≤ 300 ms', met: result.medianMs <= 300 } } : {}),
  }
}

await context.close()
await browser.close()
await site.close()
built.close()
