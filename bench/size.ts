// Bundle size: each entry bundled with esbuild (minified, ESM, browser, React and react-query external), then
// gzipped. Shared by the benchmark and test/size-budget.test.ts, so the budget check measures the same bytes.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Plugin } from 'esbuild'
import type { Figure } from './stats'

const LAZY_SCHEMA_VALIDATOR = '@oai-runs/components: JSON-schema validator (lazy chunk)'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** One bundle to measure: a tiny virtual module that re-exports what a user would import. */
export type SizeEntry = {
  /** Also the key of its budget in bench/budgets.json. */
  name: string
  contents: string
  /** Where bare imports resolve from (eventsource-parser is only a dependency of packages/client). */
  resolveDir: string
  /** A baseline (a peer), not one of our packages: never budgeted. */
  baseline?: boolean
  /** A file that must exist for the entry to be measured (packages still being written). */
  requires?: string
  /** `node` for Node-only entries (built-ins stay external). @defaultValue 'browser' */
  platform?: 'browser' | 'node'
  /** Replaces the Markdown parser and renderer of MessageContent with plain text (see `withoutMarkdown`). */
  withoutMarkdown?: boolean
  /** Left out of the bundle besides React and react-query (the components' rows leave our client out). */
  external?: string[]
}

/** `modules`: each bundled source file and the minified bytes it put in the output, largest first. */
export type SizeResult = {
  name: string
  minBytes: number
  gzipBytes: number
  modules: { path: string; bytes: number }[]
}

const clientDir = join(root, 'packages/client')
const componentsDir = join(root, 'packages/components')
const reactIndex = join(clientDir, 'src/react/index.ts')
const componentsIndex = join(componentsDir, 'src/index.ts')
const messageContentDir = join(componentsDir, 'src/message-content')
const stubsDir = join(root, 'bench/size-stubs')

/**
 * The components without their Markdown renderer (the size target): the two modules that parse Markdown
 * (`message-content/markdown.ts`) and render its AST (`message-content/render.tsx`) resolve to plain-text stand-ins
 * with the same exports (bench/size-stubs/). Only the Markdown goes: text still renders as paragraphs, citations and
 * file_path annotations still render, every other component and module (URL checks, images, tool calls, forms,
 * the timeline) is bundled as is.
 */
const withoutMarkdown: Plugin = {
  name: 'without-markdown',
  setup(build) {
    const stubs = new Map([
      [join(messageContentDir, 'markdown'), join(stubsDir, 'markdown-plain.ts')],
      [join(messageContentDir, 'render'), join(stubsDir, 'render-plain.tsx')],
    ])
    build.onResolve({ filter: /(^|\/)(markdown|render)(\.tsx?)?$/ }, (args) => {
      const stub = stubs.get(resolve(args.resolveDir, args.path).replace(/\.tsx?$/, ''))
      return stub ? { path: stub } : undefined
    })
  },
}

const CLIENT = ['@oai-runs/client', '@oai-runs/client/react']

/** What `pnpm bench` and the size budget test bundle. */
export const sizeEntries: SizeEntry[] = [
  { name: '@oai-runs/client', contents: `export * from '@oai-runs/client'`, resolveDir: root },
  {
    name: '@oai-runs/client streaming path',
    contents: `export { createRunStream, emptyRunSnapshot, reduceRunEvent } from '@oai-runs/client'`,
    resolveDir: root,
  },
  {
    name: '@oai-runs/client/react',
    contents: `export * from '@oai-runs/client/react'`,
    resolveDir: root,
    requires: reactIndex,
  },
  {
    name: '@oai-runs/client + /react',
    contents: `export * from '@oai-runs/client'\nexport * from '@oai-runs/client/react'`,
    resolveDir: root,
    requires: reactIndex,
  },
  {
    // What an app that streams runs with our hooks ships: the client, the provider and useRunStream (the SDK row
    // below is the same for the SDK: a client that streams runs).
    name: '@oai-runs/client streaming app (createClient + useRunStream)',
    contents: `export { createClient } from '@oai-runs/client'
export { RunsClientProvider, useRunStream } from '@oai-runs/client/react'`,
    resolveDir: root,
    requires: reactIndex,
  },
  {
    // Not a dependency of the root package: resolved from packages/components itself. The client is a dependency
    // the app has anyway (its rows are above), so it is left out, as React is.
    name: '@oai-runs/components',
    contents: `export * from '@oai-runs/components'`,
    resolveDir: componentsDir,
    requires: componentsIndex,
    external: CLIENT,
  },
  {
    name: '@oai-runs/components without the Markdown renderer',
    contents: `export * from '@oai-runs/components'`,
    resolveDir: componentsDir,
    requires: componentsIndex,
    withoutMarkdown: true,
    external: CLIENT,
  },
  {
    // Everything an app using the components ships besides React and react-query.
    name: '@oai-runs/components + client',
    contents: `export * from '@oai-runs/components'`,
    resolveDir: componentsDir,
    requires: componentsIndex,
  },
  {
    // The JSON-schema validator the tool-output form imports lazily, the first time it checks a schema.
    name: LAZY_SCHEMA_VALIDATOR,
    contents: `export * from '@cfworker/json-schema'`,
    resolveDir: componentsDir,
    requires: componentsIndex,
  },
  {
    // A separate entry, so the main components bundle does not carry it (dev-only in most apps).
    name: '@oai-runs/components/devtools',
    contents: `export * from '@oai-runs/components/devtools'`,
    resolveDir: componentsDir,
    requires: join(componentsDir, 'src/devtools/index.ts'),
    external: CLIENT,
  },
  // The server runs in browsers too (Storybook, tests as an injected fetch); its Node listener only in Node.
  { name: '@oai-runs/server', contents: `export * from '@oai-runs/server'`, resolveDir: root },
  {
    name: '@oai-runs/server/node',
    contents: `export * from '@oai-runs/server/node'`,
    resolveDir: root,
    platform: 'node',
  },
  {
    name: 'openai client + beta.threads.runs',
    // The client class instantiates every resource, so this is what an app that streams runs ships.
    contents: `import OpenAI from 'openai'
export const streamRun = (options, threadId, body) => new OpenAI(options).beta.threads.runs.stream(threadId, body)`,
    resolveDir: root,
    baseline: true,
  },
  {
    name: 'openai AssistantStream',
    contents: `export { AssistantStream } from 'openai/lib/AssistantStream'`,
    resolveDir: root,
    baseline: true,
  },
  {
    name: 'eventsource-parser',
    contents: `export * from 'eventsource-parser'`,
    resolveDir: clientDir,
    baseline: true,
  },
]

/** True when every file the entry needs exists. */
export function isAvailable(entry: SizeEntry): boolean {
  return entry.requires === undefined || existsSync(entry.requires)
}

/** Bundles one entry and returns its minified and gzipped byte counts. */
export async function measureSize(entry: SizeEntry): Promise<SizeResult> {
  const result = await build({
    stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: entry.platform ?? 'browser',
    target: 'es2022',
    // Workspace packages are measured from their sources, as vitest runs them.
    conditions: ['source'],
    external: [
      'react',
      'react/*',
      'react-dom',
      'react-dom/*',
      '@tanstack/react-query',
      // react-query's own core (the query layer imports it directly): the app has it through react-query.
      '@tanstack/query-core',
      // Loaded with import() on a form's first schema check: a chunk of its own, measured in its own row.
      ...(entry.name === LAZY_SCHEMA_VALIDATOR ? [] : ['@cfworker/json-schema']),
      ...(entry.external ?? []),
    ],
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    plugins: entry.withoutMarkdown ? [withoutMarkdown] : [],
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  const output = Object.values(result.metafile.outputs)[0]!
  const modules = Object.entries(output.inputs)
    .map(([path, input]) => ({
      path: path.replace(/^.*node_modules\//, '').replace(/^packages\//, ''),
      bytes: input.bytesInOutput,
    }))
    .filter((module) => module.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  return {
    name: entry.name,
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    modules,
  }
}

/** Kilobytes as the anchors count them (1 KB = 1000 bytes). */
export const kb = (bytes: number) => bytes / 1000

export async function benchSize(notes: string[]): Promise<{ figures: Figure[]; results: SizeResult[] }> {
  const results: SizeResult[] = []
  for (const entry of sizeEntries) {
    if (!isAvailable(entry)) {
      notes.push(`size: ${entry.name} skipped, ${entry.requires!.slice(root.length + 1)} does not exist yet`)
      continue
    }
    results.push(await measureSize(entry))
  }
  const byName = new Map(results.map((result) => [result.name, result]))
  const sdk = byName.get('openai client + beta.threads.runs')
  const assistantStream = byName.get('openai AssistantStream')
  const figures: Figure[] = []
  for (const result of results) {
    const baseline = result.name === 'openai client + beta.threads.runs' ? undefined : sdk
    const figure: Figure = {
      section: 'size',
      name: result.name,
      value: kb(result.gzipBytes),
      unit: 'KB gz',
      detail: `${kb(result.minBytes).toFixed(1)} KB min`,
      // The server is not a client-side peer of the SDK: its size is tracked, not compared.
      breakdown: result.name.startsWith('@oai-runs/server'),
    }
    if (baseline && !result.name.startsWith('@oai-runs/server')) {
      figure.ratio = { value: result.gzipBytes / baseline.gzipBytes, label: `of ${baseline.name}` }
    }
    if (result.name === '@oai-runs/client + /react' && sdk) {
      figure.target = {
        text: '≤ 8 KB and ≥ 10× smaller than the SDK',
        met: result.gzipBytes <= 8000 && sdk.gzipBytes / result.gzipBytes >= 10,
      }
    }
    if (result.name === '@oai-runs/components without the Markdown renderer') {
      figure.target = { text: '≤ 25 KB', met: result.gzipBytes <= 25_000 }
    }
    figures.push(figure)
    // Our streaming path against the SDK's own stream class: the like-for-like comparison.
    if (result.name === '@oai-runs/client streaming path' && assistantStream) {
      figures.push({
        section: 'size',
        name: `${result.name} vs AssistantStream`,
        value: kb(result.gzipBytes),
        unit: 'KB gz',
        ratio: { value: result.gzipBytes / assistantStream.gzipBytes, label: 'of openai AssistantStream' },
        breakdown: true,
      })
    }
  }
  // What the size target is made of: the largest modules of core + /react (minified bytes; the gzip share is
  // estimated in proportion, since gzip does not split by module).
  const combined = byName.get('@oai-runs/client + /react')
  if (combined) {
    const share = (bytes: number) => kb((bytes / combined.minBytes) * combined.gzipBytes).toFixed(1)
    const top = combined.modules.slice(0, 8).map((module) => `${module.path} ${share(module.bytes)}`)
    notes.push(`size: largest modules of @oai-runs/client + /react, KB gz (estimated): ${top.join(', ')}`)
  }
  return { figures, results }
}
