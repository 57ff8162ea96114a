// The shape of packages/*/src, read from the source: no import cycles between modules, packages import each other
// only downwards (components → client → server), and a soft list of long runtime modules that do not say why.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const packagesDir = join(root, 'packages')

/** Test-only files (never built nor packed): tests, type tests, fixtures, set-up, stories, the README examples. */
const TEST_FILE =
  /\.test(-d)?\.tsx?$|\/test\/|\/testing\/|\/fixtures?\/|test-utils\.tsx?$|vitest\.setup\.tsx?$|\.stories\.tsx?$|readme-example\.tsx?$/

/** Runtime modules longer than this must say in their header comment why they are not split. */
const MAX_LINES = 400

/** What a long module's header says when it stays whole: "Over 400 lines because …" or "… long because …". */
const SAYS_WHY = /\bover\s+~?\d+\s+lines\b|\blong\s+because\b|\d+\s+lines\s+because\b/i

type Source = { file: string; pkg: string; text: string; test: boolean }

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist') {
      return []
    }
    return statSync(path).isDirectory() ? walk(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

const sources: Source[] = readdirSync(packagesDir)
  .filter((pkg) => existsSync(join(packagesDir, pkg, 'src')))
  .flatMap((pkg) =>
    walk(join(packagesDir, pkg, 'src')).map((file) => ({
      file,
      pkg,
      text: readFileSync(file, 'utf8'),
      test: TEST_FILE.test(file.split('\\').join('/')),
    })),
  )

/** The code without comments, strings kept (import specifiers are strings; JSDoc examples must not count). */
function stripComments(text: string): string {
  let out = ''
  let i = 0
  let last = '' // the last significant character of code, to tell a regex literal from a division
  while (i < text.length) {
    const char = text[i] as string
    const next = text[i + 1]
    if (char === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        i++
      }
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end === -1 ? text.length : end + 2
      out += ' '
    } else if (char === "'" || char === '"' || char === '`') {
      let j = i + 1
      while (j < text.length && text[j] !== char) {
        j += text[j] === '\\' ? 2 : 1
      }
      out += text.slice(i, j + 1)
      i = j + 1
      last = char
    } else if (char === '/' && (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last))) {
      let j = i + 1
      let inClass = false
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '[') {
          inClass = true
        } else if (text[j] === ']') {
          inClass = false
        }
        j += text[j] === '\\' ? 2 : 1
      }
      out += text.slice(i, j + 1)
      i = j + 1
      last = '/'
    } else {
      out += char
      if (!/\s/.test(char)) {
        last = char
      }
      i++
    }
  }
  return out
}

/** Every module specifier of a file: `import`, `import type`, `export … from`, side-effect and dynamic imports. */
function specifiers(text: string): string[] {
  const code = stripComments(text)
  const found: string[] = []
  const patterns = [
    /(?:^|[\s;}])(?:import|export)\s(?:[^'"`;]*?\sfrom\s*)?['"]([^'"\n]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ]
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      found.push(match[1] as string)
    }
  }
  return found
}

/** Resolves a relative specifier to a source file: `./x.ts`, `./x.tsx`, `./x` + `.ts`/`.tsx`, `./dir/index.ts`. */
function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier)
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]
  return (
    candidates.find((path) => /\.tsx?$/.test(path) && existsSync(path) && statSync(path).isFile()) ?? null
  )
}

const rel = (file: string) => relative(root, file).split('\\').join('/')

/** The relative-import graph of the runtime modules. */
function runtimeGraph(): Map<string, string[]> {
  const runtime = new Set(sources.filter((source) => !source.test).map((source) => source.file))
  const graph = new Map<string, string[]>()
  for (const source of sources.filter((s) => !s.test)) {
    const edges = specifiers(source.text)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveRelative(source.file, specifier))
      .filter((target): target is string => target !== null && runtime.has(target))
    graph.set(source.file, [...new Set(edges)])
  }
  return graph
}

/** One cycle path per strongly connected component (Tarjan), each as `a → b → … → a`. */
function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const lowlinks = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const connect = (node: string) => {
    indices.set(node, index)
    lowlinks.set(node, index)
    index++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        connect(next)
        lowlinks.set(node, Math.min(lowlinks.get(node) as number, lowlinks.get(next) as number))
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node) as number, indices.get(next) as number))
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop() as string
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
        components.push(component)
      }
    }
  }
  for (const node of graph.keys()) {
    if (!indices.has(node)) {
      connect(node)
    }
  }
  // Within each component, a shortest path from its first module back to itself (breadth-first).
  return components.map((component) => {
    const members = new Set(component)
    const start = [...component].sort()[0] as string
    const previous = new Map<string, string>()
    const queue = [start]
    while (queue.length > 0) {
      const node = queue.shift() as string
      for (const next of graph.get(node) ?? []) {
        if (!members.has(next)) {
          continue
        }
        if (next === start) {
          const path = [start]
          for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) {
            path.splice(1, 0, at)
          }
          return [...path, start]
        }
        if (!previous.has(next)) {
          previous.set(next, node)
          queue.push(next)
        }
      }
    }
    return [...component, component[0] as string]
  })
}

describe('architecture', () => {
  test('the scanner sees import, import type, export … from and dynamic imports, and not comments', () => {
    const text = [
      "import { a } from './a.ts'",
      "import type {\n  B,\n  C,\n} from './b.ts'",
      "export { d } from './d.ts'",
      "export type * from './e.tsx'",
      "import './f.ts'",
      "const g = await import('./g.ts')",
      "// import { h } from './h.ts'",
      "/** @example import { i } from '@oai-runs/i' */",
      "const re = /['\"]/g; import { j } from './j.ts'",
    ].join('\n')
    expect(specifiers(text)).toEqual(['./a.ts', './b.ts', './d.ts', './e.tsx', './f.ts', './j.ts', './g.ts'])
  })

  test('no import cycles between the runtime modules of packages/*/src', () => {
    const graph = runtimeGraph()
    expect(graph.size).toBeGreaterThan(50)
    const cycles = findCycles(graph).map((cycle) => cycle.map(rel).join(' → '))
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([])
  })

  test('packages import each other only downwards: components → client → server', () => {
    // Which workspace packages each package may import, in runtime modules and in tests.
    const allowed: Record<string, { runtime: string[]; test: string[] }> = {
      server: { runtime: [], test: [] },
      client: { runtime: [], test: ['@oai-runs/server'] },
      components: { runtime: ['@oai-runs/client'], test: ['@oai-runs/client', '@oai-runs/server'] },
    }
    const violations: string[] = []
    for (const source of sources) {
      const own = join(packagesDir, source.pkg)
      for (const specifier of specifiers(source.text)) {
        if (specifier.startsWith('.')) {
          // The repository's shared test support (test/support) is no package; another package's files are.
          const target = resolve(dirname(source.file), specifier)
          if (!relative(packagesDir, target).startsWith('..') && relative(own, target).startsWith('..')) {
            violations.push(`${rel(source.file)}: '${specifier}' reaches into another package`)
          }
          continue
        }
        const name = specifier.match(/^@oai-runs\/[^/]+/)?.[0]
        if (!name || name === `@oai-runs/${source.pkg}`) {
          continue
        }
        const rules = allowed[source.pkg]
        if (!rules) {
          violations.push(`${rel(source.file)}: package '${source.pkg}' has no layering rule`)
        } else if (!(source.test ? rules.test : rules.runtime).includes(name)) {
          violations.push(`${rel(source.file)}: imports ${specifier}${source.test ? ' (in a test)' : ''}`)
        }
      }
    }
    expect(violations, violations.join('\n')).toEqual([])
  })

  test(`runtime modules over ${MAX_LINES} lines say why in their header (soft: listed, not failed)`, () => {
    const long = sources
      .filter((source) => !source.test)
      .map((source) => ({ source, lines: source.text.split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES)
    const header = (text: string) =>
      text
        .replace(/^\s*['"]use client['"];?\s*/, '')
        .match(/^(?:\s*(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/))+/)?.[0] ?? ''
    const unexplained = long
      .filter(({ source }) => !SAYS_WHY.test(header(source.text)))
      .sort((a, b) => b.lines - a.lines)
      .map(({ source, lines }) => `${lines} lines  ${rel(source.file)}`)
    if (unexplained.length > 0) {
      console.warn(
        `${unexplained.length} runtime modules over ${MAX_LINES} lines without a header saying why ` +
          `(e.g. "Over ${MAX_LINES} lines because …"):\n  ${unexplained.join('\n  ')}`,
      )
    }
    expect(long.length).toBeGreaterThanOrEqual(unexplained.length)
  })
})
