// Client-side request validation, only where the spec states a rule (ranges, tool and metadata limits, list
// `limit`, tool outputs). A failed rule throws ValidationError naming the field; responses are never
// validated (real servers deviate from the schema).
import { ValidationError } from './errors.ts'

type Problem = string | { param: string; problem: string } | undefined
type Check = (value: unknown, param: string) => Problem

const range =
  (min: number, max: number): Check =>
  (value) =>
    typeof value !== 'number' || !(value >= min && value <= max)
      ? `must be a number from ${min} to ${max}`
      : undefined

const integerRange =
  (min: number, max = Number.POSITIVE_INFINITY): Check =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : max === Number.POSITIVE_INFINITY
        ? `must be an integer of at least ${min}`
        : `must be an integer from ${min} to ${max}`

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/

const checkTools: Check = (value, param) => {
  if (!Array.isArray(value)) {
    return 'must be an array'
  }
  if (value.length > 20) {
    return `must have at most 20 tools (got ${value.length})`
  }
  const index = value.findIndex(
    (tool) => tool?.type === 'function' && !FUNCTION_NAME.test(String(tool.function?.name ?? '')),
  )
  return index === -1
    ? undefined
    : {
        param: `${param}[${index}].function.name`,
        problem: 'must be 1–64 characters of a-z, A-Z, 0-9, _ or -',
      }
}

const checkMetadata: Check = (value, param) => {
  if (typeof value !== 'object' || Array.isArray(value)) {
    return 'must be an object of string values'
  }
  const entries = Object.entries(value as object)
  if (entries.length > 16) {
    return `must have at most 16 keys (got ${entries.length})`
  }
  for (const [key, item] of entries) {
    if (key.length > 64) {
      return `keys must be at most 64 characters (a key has ${key.length})`
    }
    if (typeof item !== 'string' || item.length > 512) {
      return { param: `${param}.${key}`, problem: 'must be a string of at most 512 characters' }
    }
  }
  return undefined
}

const checkToolOutputs: Check = (value, param) => {
  if (!Array.isArray(value)) {
    return 'must be an array of { tool_call_id, output }'
  }
  const index = value.findIndex((item) => typeof item?.tool_call_id !== 'string' || item.tool_call_id === '')
  return index === -1
    ? undefined
    : {
        param: `${param}[${index}].tool_call_id`,
        problem: 'must be a non-empty string (the id of a tool call)',
      }
}

const checkToolApprovals: Check = (value, param) => {
  if (!Array.isArray(value)) {
    return 'must be an array of { tool_call_id, approve }'
  }
  for (const [index, item] of value.entries()) {
    if (typeof item?.tool_call_id !== 'string' || item.tool_call_id === '') {
      return {
        param: `${param}[${index}].tool_call_id`,
        problem: 'must be a non-empty string (the id of a tool call)',
      }
    }
    if (typeof item.approve !== 'boolean') {
      return { param: `${param}[${index}].approve`, problem: 'must be true (approve) or false (reject)' }
    }
  }
  return undefined
}

// The whole rule table: field name → check. Applied at any depth listed in NESTED.
const RULES: Record<string, Check> = {
  temperature: range(0, 2),
  top_p: range(0, 1),
  max_prompt_tokens: integerRange(256),
  max_completion_tokens: integerRange(256),
  tools: checkTools,
  metadata: checkMetadata,
  limit: integerRange(1, 100),
  tool_outputs: checkToolOutputs,
  tool_approvals: checkToolApprovals,
}
const NESTED = new Set(['thread', 'messages', 'additional_messages'])

/** Throws ValidationError for the first field (searched depth-first) that breaks a rule of the spec. */
export function validateParams(params: object | null | undefined, prefix = ''): void {
  for (const [key, value] of Object.entries(params ?? {})) {
    const param = `${prefix}${key}`
    if (value === undefined || value === null) {
      continue
    }
    if (NESTED.has(key)) {
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          validateParams(item, `${param}[${index}].`)
        })
      } else if (typeof value === 'object') {
        validateParams(value, `${param}.`)
      }
      continue
    }
    const problem = RULES[key]?.(value, param)
    if (problem !== undefined) {
      const found = typeof problem === 'string' ? { param, problem } : problem
      throw new ValidationError(found.param, `\`${found.param}\` ${found.problem}.`)
    }
  }
}

/** Returns the id URL-encoded for a path segment, or throws ValidationError if it is not a non-empty string. */
export function pathId(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(name, `\`${name}\` must be a non-empty string.`)
  }
  return encodeURIComponent(value)
}
