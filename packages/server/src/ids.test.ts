// Ids: deterministic with a seed (fixtures), unpredictable without one.
import { afterEach, expect, test, vi } from 'vitest'
import { createIdGenerator } from './ids.ts'

afterEach(() => {
  vi.restoreAllMocks()
})

test('a seed gives the same ids every time, in the OpenAI shape', () => {
  const a = createIdGenerator(42)
  const b = createIdGenerator(42)
  const ids = ['run', 'thread', 'msg'].map((prefix) => a(prefix))
  expect(['run', 'thread', 'msg'].map((prefix) => b(prefix))).toEqual(ids)
  for (const id of ids) {
    expect(id).toMatch(/^(run|thread|msg)_[A-Za-z0-9]{24}$/)
  }
})

test('unseeded ids come from crypto.getRandomValues, not Math.random: no seed reproduces them', () => {
  // Were ids seeded from Math.random, pinning it would make every unseeded generator equal a seeded one.
  const random = vi.spyOn(Math, 'random').mockReturnValue(0.5)
  const getRandomValues = vi.spyOn(globalThis.crypto, 'getRandomValues')
  const first = createIdGenerator()
  const second = createIdGenerator()
  const firstIds = Array.from({ length: 5 }, () => first('run'))
  const secondIds = Array.from({ length: 5 }, () => second('run'))
  const pinned = createIdGenerator(Math.floor(0.5 * 2 ** 31))
  const pinnedIds = Array.from({ length: 5 }, () => pinned('run'))
  expect(firstIds).not.toEqual(secondIds)
  expect(firstIds).not.toEqual(pinnedIds)
  expect(random).not.toHaveBeenCalled()
  expect(getRandomValues).toHaveBeenCalled()
  for (const id of [...firstIds, ...secondIds]) {
    expect(id).toMatch(/^run_[A-Za-z0-9]{24}$/)
  }
  expect(new Set([...firstIds, ...secondIds]).size).toBe(10)
})

test('unseeded ids use the whole alphabet evenly (no modulo bias toward its first characters)', () => {
  const next = createIdGenerator()
  const counts = new Map<string, number>()
  for (let index = 0; index < 2000; index++) {
    for (const char of next('x').slice(2)) {
      counts.set(char, (counts.get(char) ?? 0) + 1)
    }
  }
  expect(counts.size).toBe(62)
  // 48,000 characters over 62 symbols: about 774 each; a biased draw (byte % 62) gives the first 8 about 1.25x.
  const first = [...'ABCDEFGH'].map((char) => counts.get(char)!)
  const last = [...'stuvwxyz'].map((char) => counts.get(char)!)
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
  expect(sum(first) / sum(last)).toBeLessThan(1.12)
  expect(sum(first) / sum(last)).toBeGreaterThan(0.89)
})
