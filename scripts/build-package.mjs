// Builds one workspace package into its dist/ (run from the package's directory by its `build` script).
// tsc, not a bundler: the output mirrors src/ module for module, so every 'use client' directive stays at the top of
// the module that needs it, each entry stays tree-shakeable, and .d.ts + declaration maps + source maps come from the
// same compiler that type-checks the repository. Non-TypeScript assets (CSS) are copied beside their modules.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'

const cwd = process.cwd()
const dist = join(cwd, 'dist')
rmSync(dist, { recursive: true, force: true })

const tsc = join(
  dirname(createRequire(join(cwd, 'package.json')).resolve('typescript/package.json')),
  'bin',
  'tsc',
)
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit' })

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      yield* walk(path)
    } else {
      yield path
    }
  }
}

const src = join(cwd, 'src')
// Line comments may come before the directive: they are not statements.
const USE_CLIENT = /^\s*(\/\/[^\n]*\n\s*)*['"]use client['"]/
// A module that imports a hook or createContext from React or react-query runs only on the client: it must say so,
// or a React Server Components app that imports it gets a server error instead of a client boundary.
const CLIENT_ONLY_IMPORT = /import\s*\{([^}]*)\}\s*from\s*['"](react|@tanstack\/react-query)['"]/g

function clientOnlyImport(text) {
  for (const match of text.matchAll(CLIENT_ONLY_IMPORT)) {
    for (const entry of match[1].split(',')) {
      const name = entry
        .replace(/^\s*type\s+/, '')
        .trim()
        .split(/\s+as\s+/)[0]
      if (/^(use[A-Z]\w*|createContext)$/.test(name)) {
        return name
      }
    }
  }
  return undefined
}

// One pass over src/: copy the CSS; for each compiled module (tests and examples are not compiled), check that a
// module with hooks says 'use client' and that the directive is still its first statement after compilation.
let copied = 0
let directives = 0
for (const file of walk(src)) {
  if (file.endsWith('.css')) {
    cpSync(file, join(dist, relative(src, file)))
    copied++
    continue
  }
  const out = join(dist, relative(src, file)).replace(/\.tsx?$/, '.js')
  if (!/\.tsx?$/.test(file) || file.endsWith('.d.ts') || !existsSync(out)) {
    continue
  }
  const text = readFileSync(file, 'utf8')
  if (!USE_CLIENT.test(text)) {
    const hook = clientOnlyImport(text)
    if (hook) {
      throw new Error(`build: ${relative(cwd, file)} imports ${hook} but does not start with 'use client'`)
    }
    continue
  }
  if (!USE_CLIENT.test(readFileSync(out, 'utf8'))) {
    throw new Error(`build: ${relative(cwd, out)} lost its 'use client' directive`)
  }
  directives++
}
console.log(
  `built ${relative(join(cwd, '..', '..'), cwd)}: ${copied} CSS file(s) copied, ${directives} 'use client' module(s)`,
)
