// `pnpm bench`: size and speed of @oai-runs against the openai SDK and the physical floor, in one process, with
// interleaved repetitions. Prints one line per figure (ratio last) and writes results/latest.json and latest.md.
//   pnpm bench                  everything (about 2 minutes on a 2-core machine)
//   pnpm bench --only=size,parse   some sections (size, parse, accumulate, server, react, instances, soak)
//   pnpm bench --quick          fewer events and repetitions, for a smoke run (its figures are not written)
//   pnpm bench --soak-seconds 10   a shorter soak (default 60 s; 10 s with --quick; not written unless 60 s)
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchInstances, instancesOptions } from './instances'
import { benchParse } from './parse'
import { benchReact } from './react'
import { benchAccumulate } from './reducer'
import { benchServer } from './server'
import { benchSize } from './size'
import { benchSoak, DEFAULT_SOAK_SECONDS, soakOptions, soakSecondsFrom } from './soak'
import { type Figure, formatFigure, formatNumber, formatRatio } from './stats'

const SECTIONS = ['size', 'parse', 'accumulate', 'server', 'react', 'instances', 'soak'] as const
type Section = (typeof SECTIONS)[number]

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',') as Section[] | undefined
const wanted = (section: Section) => !only || only.includes(section)
const soakSeconds = soakSecondsFrom(args) ?? (quick ? 10 : DEFAULT_SOAK_SECONDS)
const shortSoak = soakSeconds !== DEFAULT_SOAK_SECONDS

const settings = quick
  ? {
      parseEvents: 50_000,
      parseRounds: 3,
      sdkRounds: 1,
      accumulateRounds: 3,
      eventsPerLevel: 20_000,
      idleStreams: 200,
      reactRounds: 1,
      soakSeconds,
    }
  : {
      parseEvents: 200_000,
      parseRounds: 5,
      sdkRounds: 5,
      accumulateRounds: 5,
      eventsPerLevel: 150_000,
      idleStreams: 1000,
      reactRounds: 3,
      soakSeconds,
    }

const figures: Figure[] = []
const notes: string[] = []
const print = (items: Figure[]) => {
  for (const figure of items) {
    figures.push(figure)
    console.log(formatFigure(figure))
  }
}

function markdown(): string {
  const rows = figures
    .filter((figure) => !figure.breakdown)
    .map((figure) => {
      const target = figure.target ? `${figure.target.met ? '✅' : '❌'} ${figure.target.text}` : ''
      const ratio = figure.ratio ? `${formatRatio(figure.ratio.value)} ${figure.ratio.label}` : ''
      return `| ${figure.section} | ${figure.name} | ${formatNumber(figure.value)} ${figure.unit} | ${target} | ${ratio} |`
    })
  return [
    `Measured by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'CPU'}. Sizes are esbuild min+gzip with react, react-dom and ` +
      '@tanstack/react-query external; speeds are medians of interleaved repetitions.',
    '',
    '| | Figure | Value | Target | Ratio |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Breakdown figures (our layers one by one, the server bundle) are in `bench/results/latest.json`.',
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n')
}

async function main() {
  const started = performance.now()
  console.log(`oai-runs bench: Node ${process.version}, ${cpus().length} CPUs${quick ? ', --quick' : ''}`)
  if (!(globalThis as { gc?: unknown }).gc) {
    notes.push('run without --expose-gc: no forced GC between repetitions')
  }
  if (wanted('size')) {
    print((await benchSize(notes)).figures)
  }
  if (wanted('parse')) {
    const parse = await benchParse({
      rounds: settings.parseRounds,
      sdkRounds: settings.sdkRounds,
      eventCount: settings.parseEvents,
    })
    print(parse.figures)
    notes.push(parse.note)
  }
  if (wanted('accumulate')) {
    print(
      (
        await benchAccumulate({
          rounds: settings.accumulateRounds,
          sizes: [25_000, 50_000, 100_000, 200_000],
        })
      ).figures,
    )
  }
  if (wanted('server')) {
    const server = await benchServer({
      concurrency: [10, 100, 500],
      eventsPerLevel: settings.eventsPerLevel,
      idleStreams: settings.idleStreams,
    })
    print(server.figures)
    notes.push(...server.notes)
  }
  if (wanted('react')) {
    const react = await benchReact({ rounds: settings.reactRounds })
    print(react.figures)
    notes.push(...react.notes)
  }
  if (wanted('instances')) {
    const instances = await benchInstances({ ...instancesOptions(quick), write: !quick && !only })
    print(instances.figures)
    notes.push(...instances.notes)
  }
  if (wanted('soak')) {
    const soak = await benchSoak(soakOptions(soakSeconds))
    print(soak.figures)
    notes.push(...soak.notes)
  }
  for (const note of notes) {
    console.log(`note: ${note}`)
  }
  const seconds = (performance.now() - started) / 1000
  console.log(`done in ${seconds.toFixed(0)} s`)
  if (quick || only || shortSoak) {
    console.log('(--quick / --only / a shortened soak: results/latest.* left unchanged)')
    return
  }
  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results')
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model.trim(),
    seconds: Math.round(seconds),
    settings,
    figures,
    notes,
  }
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`)
  writeFileSync(join(resultsDir, 'latest.md'), markdown())
  console.log('wrote bench/results/latest.json and bench/results/latest.md')
}

main().then(
  // Open handles (undici sockets) must not keep the process alive once the figures are written.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
