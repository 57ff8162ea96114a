import { expect, test } from 'vitest'
import { checkSchema, problemsText } from './json-schema.ts'

// Each keyword with a value it rejects and values it accepts: the cases a hand-written subset let through.
const cases: Array<{
  keyword: string
  schema: unknown
  invalid: unknown
  problem: string
  valid: unknown[]
}> = [
  {
    keyword: 'anyOf',
    schema: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    invalid: true,
    problem: 'value should match at least one of the allowed schemas (anyOf)',
    valid: ['a', 1],
  },
  {
    keyword: 'oneOf',
    schema: { oneOf: [{ type: 'number' }, { type: 'integer' }] },
    invalid: 3,
    problem: 'value should match exactly one of the allowed schemas (oneOf), but matches 2',
    valid: [1.5],
  },
  {
    keyword: '$ref',
    schema: {
      type: 'object',
      properties: { days: { $ref: '#/$defs/count' } },
      $defs: { count: { type: 'integer', minimum: 1 } },
    },
    invalid: { days: 0 },
    problem: 'days should be ≥ 1',
    valid: [{ days: 3 }, {}],
  },
  {
    keyword: 'pattern',
    schema: { type: 'string', pattern: '^[A-Z]{3}$' },
    invalid: 'eur',
    problem: 'value should match the pattern ^[A-Z]{3}$',
    valid: ['EUR'],
  },
  {
    keyword: 'format',
    schema: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
    invalid: { email: 'not an address' },
    problem: 'email should be a valid email',
    valid: [{ email: 'ada@example.com' }],
  },
  {
    keyword: 'minItems',
    schema: { type: 'array', items: { type: 'string' }, minItems: 2 },
    invalid: ['one'],
    problem: 'value should have at least 2 items',
    valid: [['one', 'two']],
  },
  {
    keyword: 'exclusiveMinimum',
    schema: { type: 'number', exclusiveMinimum: 0 },
    invalid: 0,
    problem: 'value should be > 0',
    valid: [0.1],
  },
  {
    keyword: 'required',
    schema: {
      type: 'object',
      properties: { city: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
      required: ['city'],
    },
    invalid: { city: {} },
    problem: 'city.name is required',
    valid: [{ city: { name: 'Paris' } }],
  },
]

for (const { keyword, schema, invalid, problem, valid } of cases) {
  test(`${keyword}: rejects ${JSON.stringify(invalid)} with a message at its path, accepts valid values`, async () => {
    expect(problemsText(await checkSchema(invalid, schema))).toBe(problem)
    for (const value of valid) {
      expect(await checkSchema(value, schema)).toEqual([])
    }
  })
}

test('paths name nested properties and indexes; every problem is reported, not only the first', async () => {
  const schema = {
    type: 'object',
    properties: {
      list: { type: 'array', items: { type: 'object', properties: { n: { type: 'string', minLength: 3 } } } },
      'odd key': { type: 'number' },
    },
    additionalProperties: false,
  }
  const problems = await checkSchema({ list: [{ n: 'abcd' }, { n: 'a' }], 'odd key': 'x', extra: 1 }, schema)
  expect(problems).toEqual([
    { path: 'list[1].n', message: 'should have at least 3 characters' },
    { path: 'value["odd key"]', message: 'should be number' },
    { path: 'extra', message: 'is not allowed' },
  ])
})

test('draft-04 schemas keep their meaning (boolean exclusiveMinimum)', async () => {
  const schema = {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'number',
    minimum: 0,
    exclusiveMinimum: true,
  }
  expect(problemsText(await checkSchema(0, schema))).toBe('value should be > 0')
  expect(await checkSchema(1, schema)).toEqual([])
})

test('a schema that cannot be used fails closed', async () => {
  expect(problemsText(await checkSchema(1, { $ref: '#/$defs/missing' }))).toMatch(
    /^value cannot be checked against this schema \(Unresolved \$ref/,
  )
  expect(problemsText(await checkSchema(1, 'not a schema'))).toBe(
    'value cannot be checked: the schema is not an object',
  )
  expect(problemsText(await checkSchema(1, false))).toBe('value is not allowed (the schema is false)')
})
