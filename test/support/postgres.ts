// Owns the throwaway PostgreSQL cluster of the tests: started on demand (unless OAI_RUNS_TEST_POSTGRES_URL names
// one), one fresh database per test file, and the cluster removed (stopped + its directory deleted) when the process
// ends, also when a test fails or the process is killed (a detached reaper waits for this process to go).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** A beforeAll timeout for the first {@link createTestDatabase} of a file: it may start a cluster (initdb takes seconds on a busy machine). */
export const clusterStart = 120_000

/** A running cluster: where to connect (as a superuser, to the `postgres` database) and how to remove it. */
export interface TestCluster {
  /** A connection URL to the cluster's `postgres` database, as a superuser. */
  readonly url: string
  /** The cluster's temp directory (data, socket, log); undefined for a server named by OAI_RUNS_TEST_POSTGRES_URL. */
  readonly dir?: string
  /** Stops the cluster and deletes its directory; a second call does nothing. Clusters named by env are kept. */
  stop(): void
}

/** One test file's own database on the shared cluster. */
export interface TestDatabase {
  /** A connection URL to this database. */
  readonly url: string
  /** The database's name (random, `oai_runs_test_…`). */
  readonly name: string
  /** Drops the database (closing its other connections first). */
  drop(): Promise<void>
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

/** The directory with initdb and pg_ctl: OAI_RUNS_TEST_POSTGRES_BIN, else PostgreSQL 15's, else the newest installed. */
export function findPostgresBin(): string | undefined {
  const named = process.env.OAI_RUNS_TEST_POSTGRES_BIN
  if (named) {
    return named
  }
  const preferred = '/usr/lib/postgresql/15/bin'
  if (existsSync(join(preferred, 'initdb'))) {
    return preferred
  }
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

/** Installs Debian's postgresql package when no binaries are there (root with apt only), as scripts/ensure-test-env.mjs does. */
function ensureBinaries(): string {
  const found = findPostgresBin()
  if (found) {
    return found
  }
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (!isRoot || !hasApt) {
    throw new Error(
      'No PostgreSQL binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin. Install them (e.g. `sudo apt-get install ' +
        'postgresql`), set OAI_RUNS_TEST_POSTGRES_BIN to their directory, or set OAI_RUNS_TEST_POSTGRES_URL to a ' +
        'server the tests may create databases on.',
    )
  }
  execFileSync(
    'sh',
    ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql'],
    { stdio: 'inherit' },
  )
  const installed = findPostgresBin()
  if (!installed) {
    throw new Error(
      'apt-get installed postgresql, but there is still no initdb under /usr/lib/postgresql/*/bin.',
    )
  }
  return installed
}

/** The uid and gid of the `postgres` user, created when missing (initdb refuses to run as root). */
function postgresUser(): { uid: number; gid: number } {
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  if (lookup().status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/bin/sh', 'postgres'], {
      stdio: 'inherit',
    })
  }
  const uid = Number(lookup().stdout.trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Runs a PostgreSQL binary as the postgres user when this process is root, else as this user. */
function runAs(bin: string, tool: string, args: string[]): { status: number | null; output: string } {
  const [command, argv] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
    : [join(bin, tool), args]
  const result = spawnSync(command as string, argv as string[], { encoding: 'utf8' })
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}

let shared: Promise<TestCluster> | undefined

/**
 * Starts a throwaway cluster (initdb in a fresh temp dir owned by postgres, a free loopback port, the socket in the
 * temp dir, fsync off) and registers its removal at process exit. Each call starts its own; see {@link testCluster}.
 */
export async function startTestCluster(): Promise<TestCluster> {
  const bin = ensureBinaries()
  const dir = mkdtempSync(join(tmpdir(), 'oai-runs-pg-'))
  const data = join(dir, 'data')
  if (isRoot) {
    const { uid, gid } = postgresUser()
    chownSync(dir, uid, gid)
  }
  const remove = () => {
    runAs(bin, 'pg_ctl', ['-D', data, 'stop', '-m', 'immediate', '-w'])
    rmSync(dir, { recursive: true, force: true })
  }
  const init = runAs(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed:\n${init.output}`)
  }
  // The reaper: removes the cluster once this process is gone, even after a SIGKILL skips the exit hook.
  const reaper = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
        `${isRoot ? 'runuser -u postgres -- ' : ''}"$2/pg_ctl" -D "$3" stop -m immediate >/dev/null 2>&1; rm -rf "$4"`,
      'reaper',
      String(process.pid),
      bin,
      data,
      dir,
    ],
    { detached: true, stdio: 'ignore' },
  )
  reaper.unref()
  let stopped = false
  const stop = () => {
    if (!stopped) {
      stopped = true
      process.off('exit', stop)
      remove()
    }
  }
  process.on('exit', stop)
  // A port taken between the probe and the start: try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
    const started = runAs(bin, 'pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'])
    if (started.status === 0) {
      return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop }
    }
    if (attempt === 3) {
      const log = spawnSync('cat', [join(dir, 'log')], { encoding: 'utf8' }).stdout
      stop()
      throw new Error(`pg_ctl start failed:\n${started.output}\n${log}`)
    }
  }
}

/**
 * The cluster of this process: OAI_RUNS_TEST_POSTGRES_URL's server when set (never stopped), else one throwaway
 * cluster started on first use and shared by the tests of this process.
 */
export function testCluster(): Promise<TestCluster> {
  const url = process.env.OAI_RUNS_TEST_POSTGRES_URL
  if (url) {
    return Promise.resolve({ url, stop: () => {} })
  }
  shared ??= startTestCluster()
  return shared
}

/** The `postgres` driver, a dev dependency of @oai-runs/server (the repository root does not have it). */
async function loadDriver(): Promise<AdminDriver> {
  const require = createRequire(new URL('../../packages/server/package.json', import.meta.url))
  const module = (await import(pathToFileURL(require.resolve('postgres')).href)) as { default: AdminDriver }
  return module.default
}

/** The part of the driver the harness uses (its types resolve from packages/server only). */
type AdminDriver = (
  url: string,
  options: { max: number; onnotice: () => void },
) => { unsafe(query: string): Promise<unknown>; end(): Promise<void> }

/** `url` with its database replaced by `database`. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/**
 * A fresh database (random name) on the test cluster, for one test file, so files run in parallel. Call `drop()` in
 * afterAll; a cluster of ours goes with the process anyway.
 * @example
 * let db: TestDatabase
 * beforeAll(async () => { db = await createTestDatabase() })
 * afterAll(() => db.drop())
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const cluster = await testCluster()
  const postgres = await loadDriver()
  const name = `oai_runs_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return {
    url: withDatabase(cluster.url, name),
    name,
    drop: async () => {
      const sql = postgres(cluster.url, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await sql.end()
      }
    },
  }
}

/**
 * A vitest globalSetup: starts one cluster for the whole run and hands its URL to the test workers through
 * OAI_RUNS_TEST_POSTGRES_URL (workers inherit the environment); the returned teardown removes it.
 * @example test: { globalSetup: ['test/support/postgres.ts'] }
 */
export default async function setup(): Promise<() => void> {
  if (process.env.OAI_RUNS_TEST_POSTGRES_URL) {
    return () => {}
  }
  const cluster = await startTestCluster()
  process.env.OAI_RUNS_TEST_POSTGRES_URL = cluster.url
  return () => {
    delete process.env.OAI_RUNS_TEST_POSTGRES_URL
    cluster.stop()
  }
}
