import spec from '../spec/runs-api.schema.json' with { type: 'json' }
import { HttpError } from './http.ts'

/** The subset of JSON Schema 2020-12 that the spec's request schemas use. */
export interface Schema {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  items?: Schema
  minItems?: number
  maxItems?: number
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  maxProperties?: number
  propertyNames?: Schema
  oneOf?: Schema[]
  anyOf?: Schema[]
  allOf?: Schema[]
}

interface Failure {
  param: string | null
  message: string
  code: string
  /** How deep into the value the failure is; picks the most specific branch of a oneOf. */
  depth: number
}

const defs = spec.$defs as unknown as Record<string, Schema>
const operations = spec.operations as unknown as Record<string, { requestBody: Schema | null }>

/** The request body schema of an operation of the spec (e.g. `createRun`). */
export function requestSchema(operationId: string): Schema {
  const schema = operations[operationId]?.requestBody
  if (!schema) {
    throw new Error(`No request body schema for operation ${operationId}`)
  }
  return schema
}

/**
 * Validates `value` against a schema of the spec and throws a 400 with OpenAI's wording
 * ("Invalid 'temperature': decimal above maximum value. …", "Unrecognized request argument supplied: foo").
 */
export function assertValid(schema: Schema, value: unknown, root: string | null = null): void {
  const failure = check(schema, value, root, 0)
  if (failure) {
    throw new HttpError(400, failure.message, { param: failure.param, code: failure.code })
  }
}

function resolve(schema: Schema): Schema {
  let current = schema
  while (current.$ref) {
    const name = current.$ref.replace('#/$defs/', '')
    const target = defs[name]
    if (!target) {
      throw new Error(`Unknown schema reference ${current.$ref}`)
    }
    current = target
  }
  return current
}

function join(parent: string | null, key: string | number): string {
  if (typeof key === 'number') {
    return `${parent ?? ''}[${key}]`
  }
  return parent ? `${parent}.${key}` : key
}

function typeOf(value: unknown): string {
  if (value === null) {
    return 'null'
  }
  if (Array.isArray(value)) {
    return 'array'
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number'
  }
  return typeof value
}

function matchesType(expected: string, value: unknown): boolean {
  const actual = typeOf(value)
  return expected === actual || (expected === 'number' && actual === 'integer')
}

function describe(type: string): string {
  const articles: Record<string, string> = {
    integer: 'an integer',
    array: 'an array',
    object: 'an object',
    null: 'null',
  }
  return articles[type] ?? `a ${type}`
}

function listValues(values: unknown[]): string {
  const quoted = values.map((value) => `'${String(value)}'`)
  if (quoted.length <= 2) {
    return quoted.join(' and ')
  }
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`
}

function check(raw: Schema, value: unknown, param: string | null, depth: number): Failure | null {
  const schema = resolve(raw)
  const label = param ?? 'body'

  for (const member of schema.allOf ?? []) {
    const failure = check(member, value, param, depth)
    if (failure) {
      return failure
    }
  }
  const alternatives = schema.oneOf ?? schema.anyOf
  if (alternatives) {
    const failure = checkAlternatives(alternatives, value, param, depth)
    if (failure) {
      return failure
    }
  }

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type]
    if (!types.some((type) => matchesType(type, value))) {
      const expected = types.filter((type) => type !== 'null').map(describe)
      return {
        param,
        depth,
        code: 'invalid_type',
        message: `Invalid type for '${label}': expected ${expected.join(' or ')}, but got ${describe(typeOf(value))} instead.`,
      }
    }
  }
  if (value === null) {
    return null
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return {
      param,
      depth,
      code: 'invalid_value',
      message: `Invalid value: '${String(value)}'. Supported values are: ${listValues(schema.enum.filter((v) => v !== null))}.`,
    }
  }
  if (typeof value === 'number') {
    return checkNumber(schema, value, param, depth)
  }
  if (typeof value === 'string') {
    return checkString(schema, value, param, depth)
  }
  if (Array.isArray(value)) {
    return checkArray(schema, value, param, depth)
  }
  if (typeof value === 'object') {
    return checkObject(schema, value as Record<string, unknown>, param, depth)
  }
  return null
}

function checkAlternatives(alternatives: Schema[], value: unknown, param: string | null, depth: number) {
  const failures: Failure[] = []
  for (const alternative of alternatives) {
    const failure = check(alternative, value, param, depth)
    if (!failure) {
      return null
    }
    failures.push(failure)
  }
  // A tagged union ({ type: 'function', … }): report the member whose tag matches.
  const tag = value && typeof value === 'object' ? (value as Record<string, unknown>).type : undefined
  if (typeof tag === 'string') {
    const tags: unknown[] = []
    for (const [index, alternative] of alternatives.entries()) {
      const tagSchema = resolve(alternative).properties?.type
      const tagValues = tagSchema ? resolve(tagSchema).enum : undefined
      if (tagValues?.includes(tag)) {
        return failures[index] ?? null
      }
      tags.push(...(tagValues ?? []))
    }
    if (tags.length > 0) {
      return {
        param: join(param, 'type'),
        depth: depth + 1,
        code: 'invalid_value',
        message: `Invalid value: '${tag}'. Supported values are: ${listValues(tags)}.`,
      }
    }
  }
  return failures.reduce((best, failure) => (failure.depth > best.depth ? failure : best))
}

function checkNumber(schema: Schema, value: number, param: string | null, depth: number): Failure | null {
  const kind = [schema.type].flat().includes('integer') ? 'integer' : 'decimal'
  if (schema.minimum !== undefined && value < schema.minimum) {
    return {
      param,
      depth,
      code: `${kind}_below_min_value`,
      message: `Invalid '${param}': ${kind} below minimum value. Expected a value >= ${schema.minimum}, but got ${value} instead.`,
    }
  }
  if (schema.maximum !== undefined && value > schema.maximum) {
    return {
      param,
      depth,
      code: `${kind}_above_max_value`,
      message: `Invalid '${param}': ${kind} above maximum value. Expected a value <= ${schema.maximum}, but got ${value} instead.`,
    }
  }
  return null
}

function checkString(schema: Schema, value: string, param: string | null, depth: number): Failure | null {
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    return {
      param,
      depth,
      code: 'string_above_max_length',
      message: `Invalid '${param}': string too long. Expected a string with maximum length ${schema.maxLength}, but got a string with length ${value.length} instead.`,
    }
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    return {
      param,
      depth,
      code: 'string_below_min_length',
      message: `Invalid '${param}': string too short. Expected a string with minimum length ${schema.minLength}, but got a string with length ${value.length} instead.`,
    }
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    return {
      param,
      depth,
      code: 'invalid_value',
      message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${schema.pattern}'.`,
    }
  }
  return null
}

function checkArray(schema: Schema, value: unknown[], param: string | null, depth: number): Failure | null {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    return {
      param,
      depth,
      code: 'array_above_max_length',
      message: `Invalid '${param}': array too long. Expected an array with maximum length ${schema.maxItems}, but got an array with length ${value.length} instead.`,
    }
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    return {
      param,
      depth,
      code: 'empty_array',
      message: `Invalid '${param}': empty array. Expected an array with minimum length ${schema.minItems}, but got an empty array instead.`,
    }
  }
  if (schema.items) {
    for (const [index, item] of value.entries()) {
      const failure = check(schema.items, item, join(param, index), depth + 1)
      if (failure) {
        return failure
      }
    }
  }
  return null
}

function checkObject(
  schema: Schema,
  value: Record<string, unknown>,
  param: string | null,
  depth: number,
): Failure | null {
  const keys = Object.keys(value)
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    return {
      param,
      depth,
      code: 'object_above_max_properties',
      message: `Invalid '${param}': too many properties. Expected an object with at most ${schema.maxProperties} properties, but got an object with ${keys.length} properties instead.`,
    }
  }
  for (const required of schema.required ?? []) {
    if (value[required] === undefined) {
      const missing = join(param, required)
      return {
        param: missing,
        depth: depth + 1,
        code: 'missing_required_parameter',
        message: `Missing required parameter: '${missing}'.`,
      }
    }
  }
  for (const key of keys) {
    const child = join(param, key)
    if (schema.propertyNames?.maxLength !== undefined && key.length > schema.propertyNames.maxLength) {
      return {
        param: child,
        depth: depth + 1,
        code: 'string_above_max_length',
        message: `Invalid '${param}': key too long. Expected a key with maximum length ${schema.propertyNames.maxLength}, but got a key with length ${key.length} instead.`,
      }
    }
    const property =
      schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined
    if (property) {
      const failure = check(property, value[key], child, depth + 1)
      if (failure) {
        return failure
      }
      continue
    }
    if (schema.additionalProperties === false) {
      return {
        param: child,
        depth: depth + 1,
        code: 'unknown_parameter',
        message:
          param === null
            ? `Unrecognized request argument supplied: ${key}`
            : `Unknown parameter: '${child}'.`,
      }
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      const failure = check(schema.additionalProperties, value[key], child, depth + 1)
      if (failure) {
        return failure
      }
    }
  }
  return null
}
