// JSON-schema checks of tool-call arguments and tool outputs, by @cfworker/json-schema (a complete validator that
// needs no `eval`). It is imported on first use, so apps whose forms have no schema never load it. Every keyword
// of drafts 4, 7, 2019-09 and 2020-12 is checked; a schema the validator cannot use (a `$ref` it cannot resolve, a
// validator that failed to load) is reported as a problem, never passed as valid.
import type { OutputUnit, Schema, SchemaDraft } from '@cfworker/json-schema'

/** One reason a value does not match its schema: where (`value`, `city`, `items[2].name`) and what is wrong. */
export type SchemaProblem = {
  /** The value's path: `value` for the whole value, else its property names and indexes. */
  path: string
  /** What is wrong, following the path: "is required", "should be number", … */
  message: string
}

type Validators = typeof import('@cfworker/json-schema')

let loading: Promise<Validators> | null = null
let loaded: Validators | null = null
let loadError: unknown = null

function loadValidator(): Promise<Validators> {
  loading ??= import('@cfworker/json-schema').then(
    (module) => {
      loaded = module
      return module
    },
    (error: unknown) => {
      loading = null // a failed chunk load may succeed next time
      loadError = error
      throw error
    },
  )
  return loading
}

/** Loads the validator if it is not yet; resolves once it loaded or failed to. */
export function preloadSchemaValidator(): Promise<void> {
  return loadValidator().then(
    () => undefined,
    () => undefined,
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Schemas say which draft they follow; function schemas usually say nothing (OpenAI documents 2020-12).
function draftOf(schema: Record<string, unknown>): SchemaDraft {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : ''
  if (declared.includes('draft-04')) {
    return '4'
  }
  if (declared.includes('draft-06') || declared.includes('draft-07')) {
    return '7'
  }
  return declared.includes('2019-09') ? '2019-09' : '2020-12'
}

// `#/a~1b/0/x%20y` → ['a/b', '0', 'x y'].
function segmentsOf(pointer: string): string[] {
  const body = pointer.replace(/^#/, '')
  if (body === '') {
    return []
  }
  return body
    .slice(1)
    .split('/')
    .map((segment) => {
      let decoded = segment
      try {
        decoded = decodeURIComponent(segment)
      } catch {
        // not percent-encoded after all
      }
      return decoded.replace(/~1/g, '/').replace(/~0/g, '~')
    })
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function pathOf(instanceLocation: string, extra?: string): string {
  const segments = segmentsOf(instanceLocation)
  if (extra !== undefined) {
    segments.push(extra)
  }
  let path = ''
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) {
      path = `${path || 'value'}[${segment}]`
    } else if (IDENTIFIER.test(segment)) {
      path = path ? `${path}.${segment}` : segment
    } else {
      path = `${path || 'value'}[${JSON.stringify(segment)}]`
    }
  }
  return path || 'value'
}

// The schema value at a keyword location, following local `$ref`s on the way (for pattern, minimum, …).
function schemaAt(root: unknown, keywordLocation: string): unknown {
  let node = root
  for (const segment of segmentsOf(keywordLocation)) {
    if (segment === '$ref' && isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
      node = schemaAt(root, node.$ref)
      continue
    }
    if (isObject(node) || Array.isArray(node)) {
      node = (node as Record<string, unknown>)[segment]
    } else {
      return undefined
    }
  }
  return node
}

// Keywords whose failure is told by the errors of their subschemas (reported instead of them).
const WRAPPERS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  '$ref',
  '$recursiveRef',
  '$dynamicRef',
  'allOf',
  'dependentSchemas',
  'dependencies',
  'if',
  'then',
  'else',
])

// Keywords that fail as a whole: their subschemas' errors are not the reason (a branch of anyOf may fail legitimately).
const GROUPS = new Set(['anyOf', 'oneOf', 'not', 'contains', 'propertyNames'])

function quoted(error: string): string | undefined {
  return /"([^"]*)"/.exec(error)?.[1]
}

function describe(unit: OutputUnit, schema: unknown): SchemaProblem {
  const path = pathOf(unit.instanceLocation)
  const value = schemaAt(schema, unit.keywordLocation)
  const problem = (message: string, at = path): SchemaProblem => ({ path: at, message })
  switch (unit.keyword) {
    case 'type': {
      const expected = /Expected (.*)\.$/.exec(unit.error)?.[1]?.replace(/"/g, '').split(', ')
      return problem(`should be ${expected ? expected.join(' or ') : 'of another type'}`)
    }
    case 'required': {
      const key = quoted(unit.error)
      return key === undefined
        ? problem('misses a required property')
        : problem('is required', pathOf(unit.instanceLocation, key))
    }
    case 'false':
      return problem('is not allowed')
    case 'enum':
      return problem(
        `should be one of ${Array.isArray(value) ? value.map((option) => JSON.stringify(option)).join(', ') : 'the allowed values'}`,
      )
    case 'const':
      return problem(`should be ${JSON.stringify(value)}`)
    case 'pattern':
      return problem(
        typeof value === 'string' ? `should match the pattern ${value}` : 'does not match the pattern',
      )
    case 'format':
      return problem(`should be a valid ${quoted(unit.error) ?? 'value of its format'}`)
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const container = schemaAt(schema, unit.keywordLocation.replace(/\/[^/]*$/, ''))
      const exclusive =
        unit.keyword.startsWith('exclusive') ||
        (isObject(container) &&
          container[unit.keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true)
      const below = unit.keyword === 'minimum' || unit.keyword === 'exclusiveMinimum'
      const sign = below ? (exclusive ? '>' : '≥') : exclusive ? '<' : '≤'
      return typeof value === 'number'
        ? problem(`should be ${sign} ${value}`)
        : problem(`is out of range (${unit.error})`)
    }
    case 'multipleOf':
      return problem(`should be a multiple of ${String(value)}`)
    case 'minLength':
      return problem(`should have at least ${String(value)} characters`)
    case 'maxLength':
      return problem(`should have at most ${String(value)} characters`)
    case 'minItems':
      return problem(`should have at least ${String(value)} items`)
    case 'maxItems':
      return problem(`should have at most ${String(value)} items`)
    case 'uniqueItems':
      return problem(`should not repeat items (${unit.error.replace(/\.$/, '').toLowerCase()})`)
    case 'minProperties':
      return problem(`should have at least ${String(value)} properties`)
    case 'maxProperties':
      return problem(`should have at most ${String(value)} properties`)
    case 'anyOf':
      return problem('should match at least one of the allowed schemas (anyOf)')
    case 'oneOf': {
      const matches = /\((\d+) matches\)/.exec(unit.error)?.[1]
      return problem(
        `should match exactly one of the allowed schemas (oneOf), but matches ${matches ?? 'another number'}`,
      )
    }
    case 'not':
      return problem('should not match the excluded schema (not)')
    default:
      // contains, propertyNames, dependentRequired, …: the validator's own words, about this path.
      return problem(`does not match "${unit.keyword}": ${unit.error.replace(/^Instance /, '')}`)
  }
}

/** The problems worth telling from the validator's output: the reasons, not the wrappers around them. */
function reasons(errors: readonly OutputUnit[], schema: unknown): SchemaProblem[] {
  let kept = errors.filter(
    (unit) =>
      !errors.some(
        (group) =>
          group !== unit &&
          GROUPS.has(group.keyword) &&
          unit.keywordLocation.startsWith(`${group.keywordLocation}/`),
      ),
  )
  const withoutWrappers = kept.filter((unit) => !WRAPPERS.has(unit.keyword))
  kept = withoutWrappers.length > 0 ? withoutWrappers : kept
  const seen = new Set<string>()
  const problems: SchemaProblem[] = []
  for (const unit of kept) {
    const problem = describe(unit, schema)
    const key = `${problem.path} ${problem.message}`
    if (!seen.has(key)) {
      seen.add(key)
      problems.push(problem)
    }
  }
  return problems
}

// What needs no validator: a boolean, missing or malformed schema.
function trivialProblems(schema: unknown): SchemaProblem[] | null {
  if (schema === true || schema === undefined) {
    return []
  }
  if (schema === false) {
    return [{ path: 'value', message: 'is not allowed (the schema is false)' }]
  }
  if (!isObject(schema)) {
    return [{ path: 'value', message: 'cannot be checked: the schema is not an object' }]
  }
  return null
}

function loadFailure(error: unknown): SchemaProblem[] {
  return [{ path: 'value', message: `cannot be checked: the validator did not load (${messageOf(error)})` }]
}

function validate(validators: Validators, value: unknown, schema: Record<string, unknown>): SchemaProblem[] {
  try {
    const result = new validators.Validator(schema as Schema, draftOf(schema), false).validate(value)
    return result.valid ? [] : reasons(result.errors, schema)
  } catch (error) {
    return [{ path: 'value', message: `cannot be checked against this schema (${messageOf(error)})` }]
  }
}

/**
 * Checks `value` against a JSON schema (drafts 4 to 2020-12, every keyword); resolves to its problems, none when
 * it conforms. A schema that cannot be used resolves to a problem too. Loads the validator on first use.
 */
export async function checkSchema(value: unknown, schema: unknown): Promise<SchemaProblem[]> {
  const trivial = trivialProblems(schema)
  if (trivial) {
    return trivial
  }
  try {
    return validate(await loadValidator(), value, schema as Record<string, unknown>)
  } catch (error) {
    return loadFailure(error)
  }
}

/** `checkSchema` at once when the validator is loaded (or failed to load); `null` while it is not. */
export function checkSchemaIfLoaded(value: unknown, schema: unknown): SchemaProblem[] | null {
  const trivial = trivialProblems(schema)
  if (trivial) {
    return trivial
  }
  if (loaded) {
    return validate(loaded, value, schema as Record<string, unknown>)
  }
  return loadError && !loading ? loadFailure(loadError) : null
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]!.trim().replace(/\.$/, '')
}

/** Problems as one sentence fragment: `city is required; value.days should be ≥ 1`. */
export function problemsText(problems: readonly SchemaProblem[]): string {
  return problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')
}
