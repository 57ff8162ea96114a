// Several server instances on one Postgres: 500 concurrent streamed runs (token delay 0) on one instance with the
// memory store, on one instance with the Postgres store, and split across two instances on one database (each client
// streams from the instance it created its run on). Reports events/s received by the clients, the p99 time from the
// model emitting a token to the client receiving its delta, and CPU busy per process (server children, Postgres,
// the client process). Run alone: `node --conditions=source --import tsx bench/instances.ts [--quick]`; with
// OAI_RUNS_BENCH_PROFILE_DIR set, every instance writes its CPU profile there.
import { type ChildProcess, fork } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Client, createClient } from '@oai-runs/client'
import { createTestDatabase, type TestDatabase, testCluster } from '../test/support/postgres'
import type { InstanceReply, InstanceRequest } from './instances-child'
import { type Figure, formatFigure, formatNumber, formatRatio, percentile, stopChild } from './stats'

const here = dirname(fileURLToPath(import.meta.url))
const stamp = () => performance.timeOrigin + performance.now()
const PHASE_TIMEOUT_MS = 90_000
const TICKS_PER_SECOND = 100 // USER_HZ of /proc/PID/stat on Linux

/** Options of {@link benchInstances}. */
export interface InstancesOptions {
  /** Concurrent streamed runs per configuration (split evenly on two instances). */
  runs: number
  /** Tokens per run. */
  tokens: number
  /** Measured rounds per configuration (the best round counts: the machine is shared). */
  rounds: number
  /** Write bench/results/instances.md and .json. */
  write: boolean
}

/** The options `pnpm bench` uses (and `--quick` for a smoke run). */
export function instancesOptions(quick: boolean): InstancesOptions {
  return quick
    ? { runs: 500, tokens: 20, rounds: 1, write: false }
    : { runs: 500, tokens: 100, rounds: 2, write: true }
}

interface Instance {
  child: ChildProcess
  client: Client
  assistantId: string
}

function startInstance(db: string | undefined): Promise<Instance> {
  const child = fork(join(here, 'instances-child.ts'), [], {
    // OAI_RUNS_BENCH_PROFILE_DIR=dir: each instance writes a V8 CPU profile there when it exits.
    execArgv: [
      '--conditions=source',
      '--import',
      'tsx',
      ...(process.env.OAI_RUNS_BENCH_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.OAI_RUNS_BENCH_PROFILE_DIR}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, OAI_RUNS_BENCH_DB: db ?? '' },
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`a bench instance exited early (${code})`)))
    child.on('message', (reply: InstanceReply) => {
      if (reply.type === 'ready') {
        const client = createClient({ baseURL: reply.url, apiKey: 'sk-bench', maxRetries: 0 })
        resolve({ child, client, assistantId: reply.assistantId })
      } else if (reply.type === 'error') {
        reject(new Error(`a bench instance failed to start: ${reply.message}`))
      }
    })
  })
}

function instanceCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (reply: InstanceReply) => {
      if (reply.type === 'stats') {
        child.off('message', onMessage)
        resolve(reply.cpuMicros)
      }
    }
    child.on('message', onMessage)
    child.send({ type: 'stats' } satisfies InstanceRequest)
  })
}

/** CPU seconds (user + system) of the processes in /proc whose pid or parent is `root`. */
function treeCpuSeconds(root: number): number {
  let ticks = 0
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue
    }
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // Fields after the command (which may hold spaces): state ppid … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(name) === root || Number(fields[1]) === root) {
        ticks += Number(fields[11]) + Number(fields[12])
      }
    } catch {
      // a process that ended while we read
    }
  }
  return ticks / TICKS_PER_SECOND
}

/** The postmaster of our throwaway cluster (its first line of postmaster.pid), or undefined for a named server. */
function postmasterPid(dir: string | undefined): number | undefined {
  if (!dir) {
    return undefined
  }
  try {
    return Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
  } catch {
    return undefined
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took longer than ${PHASE_TIMEOUT_MS} ms`)),
      PHASE_TIMEOUT_MS,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function streamRun(instance: Instance, tokens: number, latencies: number[]): Promise<number> {
  const stream = await instance.client.runs.createThreadAndRun({
    assistant_id: instance.assistantId,
    thread: { messages: [{ role: 'user', content: `tokens ${tokens}` }] },
    stream: true,
  })
  let events = 0
  for await (const event of stream) {
    events++
    if (event.event === 'thread.message.delta' && !('unknown' in event)) {
      const part = event.data.delta.content?.[0]
      if (part?.type === 'text' && part.text?.value) {
        latencies.push(stamp() - Number(part.text.value))
      }
    }
  }
  return events
}

const clientCpuSeconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** One load: `runs` streams spread round-robin over the instances, with every process's CPU over the window. */
async function load(instances: Instance[], runs: number, tokens: number, postmaster: number | undefined) {
  const latencies: number[] = []
  const serverBefore = await Promise.all(instances.map((instance) => instanceCpu(instance.child)))
  const postgresBefore = postmaster === undefined ? undefined : treeCpuSeconds(postmaster)
  const clientBefore = clientCpuSeconds()
  const start = performance.now()
  const counts = await withTimeout(
    Promise.all(
      Array.from({ length: runs }, (_, index) =>
        streamRun(instances[index % instances.length] as Instance, tokens, latencies),
      ),
    ),
    `${runs} concurrent runs`,
  )
  const seconds = (performance.now() - start) / 1000
  const serverAfter = await Promise.all(instances.map((instance) => instanceCpu(instance.child)))
  const busy = (cpuSeconds: number) => cpuSeconds / seconds
  return {
    events: counts.reduce((sum, count) => sum + count, 0),
    seconds,
    latencies,
    // Busy share of one core per process over the window.
    servers: serverAfter.map((after, index) => busy((after - (serverBefore[index] ?? 0)) / 1e6)),
    postgres:
      postgresBefore === undefined ? undefined : busy(treeCpuSeconds(postmaster as number) - postgresBefore),
    client: busy(clientCpuSeconds() - clientBefore),
  }
}

type Load = Awaited<ReturnType<typeof load>>

interface Configuration {
  name: string
  instances: number
  postgres: boolean
}

const configurations: Configuration[] = [
  { name: 'memory, 1 instance', instances: 1, postgres: false },
  { name: 'postgres, 1 instance', instances: 1, postgres: true },
  { name: 'postgres, 2 instances', instances: 2, postgres: true },
]

async function measure(
  configuration: Configuration,
  options: InstancesOptions,
  postmaster: number | undefined,
) {
  let database: TestDatabase | undefined
  const instances: Instance[] = []
  try {
    database = configuration.postgres ? await createTestDatabase() : undefined
    for (let index = 0; index < configuration.instances; index++) {
      instances.push(await startInstance(database?.url))
    }
    await load(instances, 20, 20, undefined) // warm-up: JIT, sockets, the pools' connections
    let best: Load | undefined
    for (let round = 0; round < options.rounds; round++) {
      const result = await load(instances, options.runs, options.tokens, postmaster)
      if (!best || result.events / result.seconds > best.events / best.seconds) {
        best = result
      }
    }
    return best as Load
  } finally {
    await Promise.all(
      instances.map((instance) => stopChild(instance.child, { type: 'stop' } satisfies InstanceRequest)),
    )
    await database?.drop()
  }
}

const pct = (share: number | undefined) => (share === undefined ? 'n/a' : `${(share * 100).toFixed(0)}%`)

/** Runs the three configurations and returns their figures (section `server`, names starting `instances:`). */
export async function benchInstances(
  options: InstancesOptions,
): Promise<{ figures: Figure[]; notes: string[] }> {
  if (process.env.OAI_RUNS_BENCH_POSTGRES_URL) {
    // createTestDatabase makes its fresh databases on the server the tests would use.
    process.env.OAI_RUNS_TEST_POSTGRES_URL = process.env.OAI_RUNS_BENCH_POSTGRES_URL
  }
  const postmaster = postmasterPid((await testCluster()).dir)
  const results: Load[] = []
  for (const configuration of configurations) {
    results.push(await measure(configuration, options, postmaster))
  }
  const [memory, single, double] = results as [Load, Load, Load]
  const rate = (result: Load) => result.events / result.seconds
  const serverCores = (result: Load) => result.servers.reduce((sum, share) => sum + share, 0)
  const perCore = (result: Load) => rate(result) / serverCores(result)
  const allCores = (result: Load) => serverCores(result) + (result.postgres ?? 0)
  const figures: Figure[] = []
  configurations.forEach((configuration, index) => {
    const result = results[index] as Load
    const p50 = percentile(result.latencies, 50)
    const p99 = percentile(result.latencies, 99)
    const split = configuration.instances > 1 ? ` (${options.runs / configuration.instances} each)` : ''
    const label = `instances: ${configuration.name}, ${options.runs} runs${split}`
    const ratio =
      index === 0
        ? undefined
        : index === 1
          ? { value: rate(result) / rate(memory), label: 'of the memory store on 1 instance' }
          : { value: rate(result) / rate(single), label: 'of postgres on 1 instance' }
    figures.push(
      {
        section: 'server',
        name: `${label}: throughput`,
        value: rate(result),
        unit: 'ev/s',
        detail:
          `${formatNumber(result.events)} events in ${result.seconds.toFixed(2)} s × ${options.tokens} tokens; CPU busy: ` +
          `server ${result.servers.map(pct).join(' + ')}, postgres ${pct(result.postgres)}, client ` +
          `${pct(result.client)} of a core`,
        ...(ratio ? { ratio } : {}),
        ...(index === 1 ? { target: { text: '≥ 0.7× memory', met: (ratio?.value ?? 0) >= 0.7 } } : {}),
      },
      {
        section: 'server',
        name: `${label}: p99 emit → receipt`,
        value: p99,
        unit: 'ms',
        detail: `p50 ${p50.toFixed(2)} ms, max ${percentile(result.latencies, 100).toFixed(1)} ms`,
        ratio: { value: p99 / p50, label: 'p50' },
      },
    )
  })
  const efficiency = perCore(double) / perCore(single)
  figures.push(
    {
      section: 'server',
      name: 'instances: postgres, events/s per busy server core, 1 instance',
      value: perCore(single),
      unit: 'ev/s',
      detail: `${formatNumber(rate(single) / allCores(single))} ev/s per busy core with Postgres's CPU counted`,
      ratio: { value: perCore(single) / perCore(memory), label: 'of the memory store' },
    },
    {
      section: 'server',
      name: 'instances: postgres, events/s per busy server core, 2 instances',
      value: perCore(double),
      unit: 'ev/s',
      detail: `${formatNumber(rate(double) / allCores(double))} ev/s per busy core with Postgres's CPU counted`,
      ratio: { value: efficiency, label: 'of 1 instance' },
      target: { text: '≥ 0.9× 1 instance', met: efficiency >= 0.9 },
    },
  )
  const notes = [
    'instances: each server instance is a child process (bench/instances-child.ts: createRunsServer, a model that ' +
      'stamps each token, token delay 0), every client (@oai-runs/client) in the bench process; latency = client ' +
      'receipt of a delta − the stamp the model put in it (same machine clock). CPU busy = process.cpuUsage() of ' +
      'each instance (reported by the child) and of the bench process, and /proc utime+stime of the Postgres ' +
      'postmaster and its backends (n/a on a server named by OAI_RUNS_BENCH_POSTGRES_URL), over the load window, ' +
      `as a share of one core; ${cpus().length} cores in all. The best of ${options.rounds} round(s) counts.`,
  ]
  if (options.write) {
    writeResults(figures, notes, options)
  }
  return { figures, notes }
}

function writeResults(figures: Figure[], notes: string[], options: InstancesOptions): void {
  const results = join(here, 'results')
  const date = new Date().toISOString()
  const json = {
    date,
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model.trim(),
    options,
    figures,
    notes,
  }
  writeFileSync(join(results, 'instances.json'), `${JSON.stringify(json, null, 2)}\n`)
  const rows = figures.map((figure) => {
    const target = figure.target ? `${figure.target.met ? '✅' : '❌'} ${figure.target.text}` : ''
    const ratio = figure.ratio ? `${formatRatio(figure.ratio.value)} ${figure.ratio.label}` : ''
    return `| ${figure.name.replace(/^instances: /, '')} | ${formatNumber(figure.value)} ${figure.unit} | ${figure.detail ?? ''} | ${target} | ${ratio} |`
  })
  const markdown = [
    `Measured by \`pnpm bench\` (section instances) on ${date.slice(0, 10)}: Node ${process.version}, ` +
      `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'CPU'}.`,
    '',
    '| Figure | Value | Detail | Target | Ratio |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ]
  writeFileSync(join(results, 'instances.md'), markdown.join('\n'))
  console.log('wrote bench/results/instances.json and bench/results/instances.md')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchInstances(instancesOptions(process.argv.includes('--quick'))).then(
    ({ figures, notes }) => {
      for (const figure of figures) {
        console.log(formatFigure(figure))
      }
      for (const note of notes) {
        console.log(`note: ${note}`)
      }
      process.exit(0)
    },
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
