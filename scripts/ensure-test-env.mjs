// Run by `pnpm test` first: makes a fresh machine (only Node >= 20 and npm) ready for the whole suite.
// 1. SQLite. On Node with `node:sqlite` (22.13+) the server's SQLite store needs nothing. On older Node it uses
//    better-sqlite3, a native module (an optional dependency of the workspace). Where its prebuilt binary cannot be
//    downloaded it compiles from source, and node-gyp then needs Node's headers, which it tries to download too.
//    `pnpm install` skips an optional module whose build failed and never retries it, so build it here with
//    `pnpm rebuild better-sqlite3` against the headers that ship with this Node (its include/node).
// 2. The real-browser tests need Chromium: use CHROMIUM_PATH or /usr/bin/chromium, else install Debian's package.
// 3. The Postgres store's tests start a throwaway cluster (test/support/postgres.ts) from PostgreSQL's binaries in
//    /usr/lib/postgresql/<version>/bin: unless OAI_RUNS_TEST_POSTGRES_URL names a server, install Debian's package.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

function hasNodeSqlite() {
  return spawnSync(process.execPath, ['-e', "require('node:sqlite')"], { stdio: 'ignore' }).status === 0
}

function betterSqliteLoads() {
  const probe = spawnSync(
    process.execPath,
    ['-e', "const D=require('better-sqlite3'); new D(':memory:').prepare('select 1').get()"],
    { cwd: join(root, 'packages/server'), stdio: 'ignore' },
  )
  return probe.status === 0
}

if (!hasNodeSqlite() && !betterSqliteLoads()) {
  const prefix = dirname(dirname(process.execPath))
  const env = { ...process.env }
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = prefix
  }
  console.log(
    `ensure-test-env: Node ${process.version} has no node:sqlite; building better-sqlite3 from source…`,
  )
  const rebuilt = spawnSync('pnpm', ['rebuild', 'better-sqlite3'], { cwd: root, env, stdio: 'inherit' })
  if (rebuilt.status !== 0 || !betterSqliteLoads()) {
    console.error(
      'ensure-test-env: better-sqlite3 does not load. It needs a C++ toolchain (g++, make, python3) and Node headers ' +
        '(set npm_config_nodedir to a Node install that has include/node), then `pnpm rebuild better-sqlite3`. ' +
        'On Node 22.13 or later the SQLite tests use node:sqlite and need none of this.',
    )
    process.exit(1)
  }
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (isRoot && hasApt) {
    console.log("ensure-test-env: installing Debian's chromium for the browser tests…")
    execFileSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'],
      {
        stdio: 'inherit',
      },
    )
  } else {
    console.error(
      `ensure-test-env: no Chromium at ${chromium}. Install it (e.g. \`sudo apt-get install chromium\`) or set ` +
        'CHROMIUM_PATH to a Chromium or Chrome binary.',
    )
    process.exit(1)
  }
}

function hasPostgresBinaries() {
  if (process.env.OAI_RUNS_TEST_POSTGRES_BIN) {
    return existsSync(join(process.env.OAI_RUNS_TEST_POSTGRES_BIN, 'initdb'))
  }
  const versions = '/usr/lib/postgresql'
  return (
    existsSync(versions) && readdirSync(versions).some((v) => existsSync(join(versions, v, 'bin', 'initdb')))
  )
}

if (!process.env.OAI_RUNS_TEST_POSTGRES_URL && !hasPostgresBinaries()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (isRoot && hasApt) {
    console.log("ensure-test-env: installing Debian's postgresql for the Postgres store tests…")
    execFileSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql'],
      { stdio: 'inherit' },
    )
  } else {
    console.error(
      'ensure-test-env: no PostgreSQL binaries in /usr/lib/postgresql/*/bin. Install them (e.g. `sudo apt-get ' +
        'install postgresql`), set OAI_RUNS_TEST_POSTGRES_BIN to their directory, or set OAI_RUNS_TEST_POSTGRES_URL ' +
        'to a server the tests may create databases on.',
    )
    process.exit(1)
  }
}
