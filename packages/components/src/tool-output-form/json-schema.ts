// A small JSON-schema checker for function parameters (the subset function schemas use): type, properties,
// required, additionalProperties: false, enum, const, items, min/max, minLength/maxLength. Returns messages.

type Schema = Record<string, unknown>

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

function matchesType(value: unknown, type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type]
  const actual = typeOf(value)
  return types.some((expected) => expected === actual || (expected === 'number' && actual === 'integer'))
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks `value` against a function-parameters JSON schema; an empty array means it conforms. */
export function checkSchema(value: unknown, schema: unknown, path = '', depth = 0): string[] {
  if (!isSchema(schema) || depth > 32) {
    return []
  }
  const at = path || 'value'
  const errors: string[] = []
  if (schema.type !== undefined && !matchesType(value, schema.type)) {
    return [`${at} should be ${Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type)}`]
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))
  ) {
    errors.push(`${at} should be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`)
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    errors.push(`${at} should be ${JSON.stringify(schema.const)}`)
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      errors.push(`${at} should be ≥ ${schema.minimum}`)
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      errors.push(`${at} should be ≤ ${schema.maximum}`)
    }
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      errors.push(`${at} should have at least ${schema.minLength} characters`)
    }
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
      errors.push(`${at} should have at most ${schema.maxLength} characters`)
    }
  }
  if (isSchema(value)) {
    const properties = isSchema(schema.properties) ? schema.properties : {}
    for (const key of Array.isArray(schema.required) ? schema.required : []) {
      if (typeof key === 'string' && !Object.hasOwn(value, key)) {
        errors.push(`${path ? `${path}.` : ''}${key} is required`)
      }
    }
    for (const [key, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, key)) {
        errors.push(...checkSchema(item, properties[key], path ? `${path}.${key}` : key, depth + 1))
      } else if (schema.additionalProperties === false) {
        errors.push(`${path ? `${path}.` : ''}${key} is not allowed`)
      }
    }
  }
  if (Array.isArray(value) && isSchema(schema.items)) {
    value.forEach((item, index) => {
      errors.push(...checkSchema(item, schema.items, `${at}[${index}]`, depth + 1))
    })
  }
  return errors
}
