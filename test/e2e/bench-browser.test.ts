// A smoke run of `pnpm bench:browser --quick` (the browser bench in Debian's Chromium): every case streamed the
// whole reply and produced frames, and every figure is a finite number. Nothing here is timed: the figures are
// only checked for shape, never against a number of milliseconds.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'bench-browser-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type Results = {
  cases: Record<string, { median: Record<string, number>; rounds: Record<string, number>[] }>
  parse: { name: string; medianMs: number; error?: string }[]
  figures: { name: string; value: number }[]
  pageErrors: string[]
}

test('pnpm bench:browser --quick measures every case and writes finite figures', {
  timeout: 180_000,
}, async () => {
  const out = join(dir, 'quick.json')
  await promisify(execFile)(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'bench/browser/run.ts', '--quick', `--json=${out}`],
    { cwd: repo, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
  )
  const results = JSON.parse(readFileSync(out, 'utf8')) as Results
  expect(Object.keys(results.cases).sort()).toEqual(['floor', 'idle', 'message', 'playground', 'viewer'])
  for (const [name, { median, rounds }] of Object.entries(results.cases)) {
    expect(rounds, name).toHaveLength(1)
    expect(median.frames, name).toBeGreaterThan(0)
    for (const [figure, value] of Object.entries(median)) {
      expect(Number.isFinite(value), `${name}.${figure} = ${value}`).toBe(true)
    }
    if (name !== 'idle') {
      expect(median.commits, name).toBeGreaterThan(0)
      expect(median.tokensPerSecond, name).toBeGreaterThan(0)
    }
  }
  expect(results.parse).toHaveLength(7)
  expect(results.parse.every((input) => input.error === undefined && Number.isFinite(input.medianMs))).toBe(
    true,
  )
  expect(results.figures.every((figure) => Number.isFinite(figure.value))).toBe(true)
  expect(results.pageErrors).toEqual([])
})
