// Helpers for the packaging tests: build and pack the workspace packages the way a release does, and install the
// tarballs with npm into copies of examples/ outside the workspace (no workspace links, no `source` condition).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const packageNames = ['client', 'components', 'server'] as const
export type PackageName = (typeof packageNames)[number]

// Where npm keeps its cache and which registry it uses stay the user's; every other npm_* variable is pnpm's own
// (it sets dozens for the scripts it runs) and must not reach the consumer's npm.
const keptNpmSettings = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'])

/** The environment a user's shell would give npm: none of pnpm's or this run's npm_* settings leak in. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase()
    if (
      !keptNpmSettings.has(lower) &&
      /^(npm_|pnpm_|vitest|node_options$|node_env$|test$|init_cwd$)/.test(lower)
    ) {
      continue
    }
    env[key] = value
  }
  return { ...env, ...extra }
}

/** Runs a command and returns its output; on failure the error carries stdout and stderr. */
export async function sh(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<string> {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: options.cwd,
      env: options.env ?? userEnv(),
      maxBuffer: 64 * 1024 * 1024,
      timeout: options.timeoutMs ?? 600_000,
    })
    return `${stdout}${stderr}`
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string }
    throw new Error(
      `${file} ${args.join(' ')} failed in ${options.cwd}:\n${failure.stdout ?? ''}\n${failure.stderr ?? failure.message}`,
    )
  }
}

/** Builds every package (`pnpm build`) and packs it into a fresh folder; returns the tarball of each. */
export async function buildAndPack(): Promise<{ dir: string; tarballs: Record<PackageName, string> }> {
  await sh('pnpm', ['build'], { cwd: repoRoot, env: process.env })
  const dir = mkdtempSync(join(tmpdir(), 'oai-runs-packs-'))
  for (const name of packageNames) {
    await sh('pnpm', ['pack', '--pack-destination', dir], {
      cwd: join(repoRoot, 'packages', name),
      env: process.env,
    })
  }
  const files = readdirSync(dir)
  const tarballs = Object.fromEntries(
    packageNames.map((name) => {
      const file = files.find(
        (candidate) => candidate.startsWith(`oai-runs-${name}-`) && candidate.endsWith('.tgz'),
      )
      if (!file) {
        throw new Error(`pnpm pack wrote no tarball for @oai-runs/${name} into ${dir}`)
      }
      return [name, join(dir, file)]
    }),
  ) as Record<PackageName, string>
  return { dir, tarballs }
}

/** Lists the files of a tarball (paths without the leading `package/`). */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const listing = await sh('tar', ['tzf', tarball], { cwd: repoRoot })
  return listing
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''))
}

export type ConsumerApp = { dir: string; remove(): void }

/**
 * Copies `examples/NAME` into a temp folder outside the workspace, points its @oai-runs dependencies at the tarballs
 * (other dependencies can be overridden, e.g. React 18), and installs it with npm.
 */
export async function installExample(
  name: string,
  tarballs: Record<PackageName, string>,
  overrides: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } = {},
): Promise<ConsumerApp> {
  const dir = mkdtempSync(join(tmpdir(), `oai-runs-${name}-`))
  cpSync(join(repoRoot, 'examples', name), dir, {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|dist|\.next)([/\\]|$)/.test(source),
  })
  const manifestPath = join(dir, 'package.json')
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  for (const pkg of packageNames) {
    manifest.dependencies[`@oai-runs/${pkg}`] = `file:${tarballs[pkg]}`
  }
  Object.assign(manifest.dependencies, overrides.dependencies)
  Object.assign(manifest.devDependencies, overrides.devDependencies)
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir })
  return {
    dir,
    remove: () => {
      if (!process.env.OAI_RUNS_KEEP_CONSUMERS) {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** Reads an installed package's version from a consumer app. */
export function installedVersion(app: ConsumerApp, name: string): string {
  return JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8')).version
}

/** A free loopback port (for servers that cannot be told to pick one and report it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

export type Served = { url: string; output(): string; stop(): Promise<void> }

/** Starts a long-running command and waits until an HTTP GET of `url` answers (or the process exits). */
export async function serve(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; url: string; attempts?: number },
): Promise<Served> {
  let output = ''
  const child: ChildProcess = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: 'pipe',
    detached: true,
  })
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  let exited = false
  child.once('exit', () => (exited = true))
  const stop = async () => {
    if (exited || child.pid === undefined) {
      return
    }
    const gone = new Promise((resolve) => child.once('exit', resolve))
    process.kill(-child.pid, 'SIGTERM')
    await gone
  }
  for (let attempt = 0; attempt < (options.attempts ?? 600); attempt++) {
    if (exited) {
      throw new Error(`${file} ${args.join(' ')} exited before serving ${options.url}:\n${output}`)
    }
    try {
      const response = await fetch(options.url)
      await response.arrayBuffer()
      return { url: options.url, output: () => output, stop }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  await stop()
  throw new Error(`${file} ${args.join(' ')} did not serve ${options.url}:\n${output}`)
}
