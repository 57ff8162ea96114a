import { expect, test } from 'vitest'
import { paginate, readListQuery } from './pagination.ts'

const items = Array.from({ length: 7 }, (_, index) => ({ id: `item_${index}` }))
const page = (query: string) => paginate(items, readListQuery(new URL(`http://x/list?${query}`)))
const ids = (query: string) => page(query).data.map((item) => item.id.replace('item_', ''))

test('defaults: newest first, 20 per page', () => {
  expect(ids('')).toEqual(['6', '5', '4', '3', '2', '1', '0'])
  expect(page('')).toMatchObject({ object: 'list', first_id: 'item_6', last_id: 'item_0', has_more: false })
})

test('after walks forward in list order, both orders', () => {
  expect(ids('limit=3')).toEqual(['6', '5', '4'])
  expect(page('limit=3').has_more).toBe(true)
  expect(ids('limit=3&after=item_4')).toEqual(['3', '2', '1'])
  expect(ids('limit=3&after=item_1')).toEqual(['0'])
  expect(page('limit=3&after=item_1').has_more).toBe(false)
  expect(ids('limit=3&order=asc&after=item_2')).toEqual(['3', '4', '5'])
})

test('before returns the page right before the cursor, in list order', () => {
  expect(ids('limit=2&before=item_2')).toEqual(['4', '3'])
  expect(page('limit=2&before=item_2').has_more).toBe(true)
  expect(ids('limit=5&before=item_4')).toEqual(['6', '5'])
  expect(page('limit=5&before=item_4').has_more).toBe(false)
  expect(ids('order=asc&limit=2&before=item_3')).toEqual(['1', '2'])
})

test('after and before together bound the page on both sides', () => {
  expect(ids('after=item_6&before=item_2')).toEqual(['5', '4', '3'])
})

test('an empty page has null ids (as the hosted API sent them) and no more', () => {
  expect(page('after=item_0')).toEqual({
    object: 'list',
    data: [],
    first_id: null,
    last_id: null,
    has_more: false,
  })
  expect(page('after=item_unknown').data).toEqual([])
})

test('limit is 1 to 100', () => {
  expect(() => page('limit=0')).toThrow("Invalid 'limit': integer below minimum value. Expected a value >= 1")
  expect(() => page('limit=101')).toThrow('Expected a value <= 100, but got 101 instead.')
  expect(ids('limit=1')).toEqual(['6'])
})
