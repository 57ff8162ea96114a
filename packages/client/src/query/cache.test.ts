import { describe, expect, test } from 'vitest'
import { singlePage, upsertPages } from './cache.ts'
import type { ListData } from './queries.ts'

type Item = { id: string; value: number; run_id?: string | null }

const page = (items: Item[], hasMore = false) => ({
  object: 'list' as const,
  data: items,
  first_id: items[0]?.id ?? null,
  last_id: items.at(-1)?.id ?? null,
  has_more: hasMore,
})

describe('upsertPages', () => {
  test('replaces by id and keeps every untouched item and page by identity (C8)', () => {
    const a = { id: 'a', value: 1 }
    const b = { id: 'b', value: 1 }
    const c = { id: 'c', value: 1 }
    const data: ListData<Item> = { pages: [page([a, b]), page([c])], pageParams: [undefined, 'b'] }
    const next = upsertPages(data, [{ id: 'c', value: 2 }], 'desc')
    expect(next.pages[0]).toBe(data.pages[0])
    expect(next.pages[1]?.data).toEqual([{ id: 'c', value: 2 }])
    expect(upsertPages(data, [a], 'desc')).toBe(data)
  })

  test('a new item goes on top of a newest-first list, never twice', () => {
    const data: ListData<Item> = { pages: [page([{ id: 'a', value: 1 }])], pageParams: [undefined] }
    const once = upsertPages(data, [{ id: 'n', value: 1 }], 'desc')
    const twice = upsertPages(once, [{ id: 'n', value: 2 }], 'desc')
    expect(twice.pages[0]?.data.map((item) => `${item.id}${item.value}`)).toEqual(['n2', 'a1'])
  })

  test('an oldest-first list takes a new item only when its last page is loaded', () => {
    const loaded: ListData<Item> = { pages: [page([{ id: 'a', value: 1 }])], pageParams: [undefined] }
    expect(upsertPages(loaded, [{ id: 'n', value: 1 }], 'asc').pages[0]?.data.map((item) => item.id)).toEqual(
      ['a', 'n'],
    )
    const partial: ListData<Item> = { pages: [page([{ id: 'a', value: 1 }], true)], pageParams: [undefined] }
    expect(upsertPages(partial, [{ id: 'n', value: 1 }], 'asc')).toBe(partial)
  })

  test('singlePage lists newest first', () => {
    expect(singlePage([{ id: 'old' }, { id: 'new' }]).pages[0]?.data.map((item) => item.id)).toEqual([
      'new',
      'old',
    ])
  })
})
