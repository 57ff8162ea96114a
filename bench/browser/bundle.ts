// Owns building and serving the bench page: esbuild bundles bench/browser/page/main.tsx with React's production
// profiling build, `@oai-runs/*` and the playground taken from `<root>/packages/*/src` and `<root>/playground` (so a
// copy of an older commit can be measured against the working tree), and a static server on loopback.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, extname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

/** The repository this bench lives in (its node_modules serve every root). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** A built page: its directory (index.html, main.js, main.css, server-worker.js) and the bundle's text, for naming profile frames. */
export type BuiltPage = { dir: string; bundle: string; close(): void }

// Packages whose one copy every module must share (React's dispatcher, the query cache's context).
const SHARED = ['react', 'react-dom', 'react-dom/profiling', 'react/jsx-runtime', '@tanstack/react-query']

function sourceExport(root: string, specifier: string): string {
  const [, name, sub] = /^@oai-runs\/([^/]+)(\/.*)?$/.exec(specifier)!
  const manifestPath = join(root, 'packages', name!, 'package.json')
  if (!existsSync(manifestPath)) {
    throw new Error(`--root ${root}: there is no packages/${name}/package.json for ${specifier}`)
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports?: Record<string, { source?: string } | string>
  }
  const entry = manifest.exports?.[sub ? `.${sub}` : '.']
  const source = typeof entry === 'object' ? entry.source : undefined
  if (!source) {
    throw new Error(`--root ${root}: packages/${name}/package.json has no "source" export for ${specifier}`)
  }
  return join(root, 'packages', name!, source)
}

// Maps the workspace's packages and playground to `root`, and resolves every bare import from the repository.
function rootPlugin(root: string): Plugin {
  const inRoot = (path: string) => path.startsWith(root + sep)
  const toRoot = (path: string) => {
    const rel = relative(repoRoot, path)
    return /^(packages|playground)[/\\]/.test(rel) && !rel.includes('node_modules') ? join(root, rel) : path
  }
  const toRepo = (dir: string) => (inRoot(dir) ? join(repoRoot, relative(root, dir)) : dir)
  return {
    name: 'bench-root',
    setup(context) {
      context.onResolve({ filter: /^@oai-runs\// }, (args) => ({ path: sourceExport(root, args.path) }))
      context.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'bench-root' || args.kind === 'entry-point') {
          return undefined
        }
        const bare = !args.path.startsWith('.') && !args.path.startsWith('/')
        const shared = SHARED.includes(args.path)
        // Bare imports resolve as from the repository's copy of the importer (a copy elsewhere has no node_modules).
        const resolveDir = shared ? repoRoot : bare ? toRepo(args.resolveDir) : args.resolveDir
        const result = await context.resolve(args.path, {
          kind: args.kind,
          resolveDir,
          pluginData: 'bench-root',
        })
        if (result.errors.length > 0 || bare) {
          return result
        }
        return { ...result, path: toRoot(result.path) }
      })
    },
  }
}

/** Bundles the page from `root`'s sources into a temporary directory. */
export async function buildPage(root: string): Promise<BuiltPage> {
  const dir = mkdtempSync(join(tmpdir(), 'oai-runs-bench-browser-'))
  const close = () => rmSync(dir, { recursive: true, force: true })
  await build({
    entryPoints: [
      join(repoRoot, 'bench/browser/page/main.tsx'),
      join(repoRoot, 'bench/browser/page/server-worker.ts'),
    ],
    outdir: dir,
    entryNames: '[name]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    conditions: ['source'],
    // Names kept (no minify) so the CPU profile names functions; the comments esbuild writes before each module
    // name its source file.
    minify: false,
    sourcemap: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    // react-dom's profiling build for the renderer: production code with <Profiler> timings (it shares react-dom's internals).
    alias: { 'react-dom/client': 'react-dom/profiling' },
    plugins: [rootPlugin(resolve(root))],
  }).catch((error: unknown) => {
    close()
    throw error
  })
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>oai-runs browser bench</title>' +
      '<link rel="stylesheet" href="/main.css"></head><body><script type="module" src="/main.js"></script></body></html>',
  )
  return { dir, bundle: readFileSync(join(dir, 'main.js'), 'utf8'), close }
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

/** Serves a built page on 127.0.0.1 (any path that is not a file gets index.html, as the playground's SPA). */
export async function servePage(page: BuiltPage): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    const file = join(page.dir, path.replace(/^\/+/, ''))
    const target =
      path !== '/' && file.startsWith(page.dir) && existsSync(file) ? file : join(page.dir, 'index.html')
    response.writeHead(200, {
      'content-type': `${TYPES[extname(target)] ?? 'application/octet-stream'}; charset=utf-8`,
    })
    response.end(readFileSync(target))
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  }
}
