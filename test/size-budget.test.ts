// The size budget: every package entry, bundled exactly as `pnpm bench` bundles it (esbuild, minified, gzip),
// must stay within its byte budget in bench/budgets.json. A deterministic byte count, not a timing.
import { describe, expect, test } from 'vitest'
import budgetFile from '../bench/budgets.json'
import { isAvailable, measureSize, sizeEntries } from '../bench/size'

const budgets: Record<string, { gzipBytes: number; measuredGzipBytes: number }> = budgetFile.budgets

describe('bundle size budgets (bench/budgets.json)', () => {
  for (const entry of sizeEntries.filter((item) => !item.baseline)) {
    const budget = budgets[entry.name]
    // Packages still being written, or without a budget yet, are reported as skipped rather than failing others.
    test.skipIf(!isAvailable(entry) || !budget)(
      `${entry.name} stays within its min+gzip budget`,
      async () => {
        const { gzipBytes } = await measureSize(entry)
        expect(
          gzipBytes,
          `${entry.name} is ${gzipBytes} B min+gzip, over its ${budget!.gzipBytes} B budget; shrink it, or raise the ` +
            'budget in bench/budgets.json on purpose (see bench/README.md)',
        ).toBeLessThanOrEqual(budget!.gzipBytes)
      },
    )
  }

  test('every budget names an entry that pnpm bench measures', () => {
    const names = new Set(sizeEntries.map((entry) => entry.name))
    expect(Object.keys(budgets).filter((name) => !names.has(name))).toEqual([])
  })
})
