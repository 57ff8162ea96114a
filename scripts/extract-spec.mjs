// Extracts the Assistants / threads / runs part of OpenAI's OpenAPI spec into
// packages/server/spec/runs-api.schema.json, so the repository stands alone.
//
// Source: https://github.com/openai/openai-openapi openapi.yaml @ f85dbe223d40e1a31cba812ab2d755c7e98a92a3
// (MIT, Copyright (c) OpenAI).
//
// Usage: node scripts/extract-spec.mjs <openai-openapi>/openapi.yaml
// The input is openapi.yaml of a checkout of github.com/openai/openai-openapi (at the commit above), given as
// the argument; without one, ../shared/spec/openai-openapi.yaml beside the repository is read if it exists.
//
// What the extraction changes, and why:
// - keeps only the /assistants and /threads paths and the schemas reachable from them, from
//   AssistantStreamEvent and from ErrorResponse;
// - drops descriptions, examples and x-* keys (size; the behaviour they describe lives in our code and docs);
// - rewrites OpenAPI's `nullable: true` into JSON Schema 2020-12 (`type: [T, "null"]` or `anyOf`), so any
//   JSON Schema validator reads it;
// - adds limits that the spec states only in prose: Metadata (16 pairs, 64-char keys, 512-char values) and
//   function names (a-zA-Z0-9_-, at most 64 characters).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const fallback = resolve(root, '../shared/spec/openai-openapi.yaml')
const input = process.argv[2] ?? (existsSync(fallback) ? fallback : undefined)
if (input === undefined) {
  console.error('usage: node scripts/extract-spec.mjs <openai-openapi checkout>/openapi.yaml')
  process.exit(1)
}
const output = resolve(root, 'packages/server/spec/runs-api.schema.json')
const spec = parse(readFileSync(input, 'utf8'))

const keptPaths = Object.keys(spec.paths).filter(
  (p) => p.startsWith('/assistants') || p.startsWith('/threads'),
)
const seeds = ['AssistantStreamEvent', 'ErrorResponse', 'Error']
const wanted = new Set()
const refName = (ref) => ref.replace('#/components/schemas/', '')

function collectRefs(node) {
  if (Array.isArray(node)) {
    node.forEach(collectRefs)
    return
  }
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = refName(value)
        if (!wanted.has(name)) {
          wanted.add(name)
          collectRefs(spec.components.schemas[name])
        }
      } else {
        collectRefs(value)
      }
    }
  }
}

const operations = {}
for (const path of keptPaths) {
  for (const [method, op] of Object.entries(spec.paths[path])) {
    if (!op || typeof op !== 'object' || !op.operationId) {
      continue
    }
    collectRefs(op.requestBody)
    collectRefs(op.responses)
    collectRefs(op.parameters)
    const body = op.requestBody?.content?.['application/json']?.schema
    const ok = op.responses?.['200']?.content?.['application/json']?.schema
    operations[op.operationId] = {
      method: method.toUpperCase(),
      path,
      requestBody: body ? clean(body) : null,
      response: ok ? clean(ok) : null,
      query: (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: clean(p.schema) })),
    }
  }
}
for (const seed of seeds) {
  wanted.add(seed)
  collectRefs(spec.components.schemas[seed])
}

function clean(node) {
  if (Array.isArray(node)) {
    return node.map(clean)
  }
  if (!node || typeof node !== 'object') {
    return node
  }
  // `allOf: [$ref, {nullable: true}]` is the spec's other way to say "this ref or null".
  const nullableMember = (member) => member && Object.keys(member).length === 1 && member.nullable === true
  if (Array.isArray(node.allOf) && node.allOf.some(nullableMember)) {
    return clean({ ...node, allOf: node.allOf.filter((member) => !nullableMember(member)), nullable: true })
  }
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    if (
      key === 'description' ||
      key === 'example' ||
      key === 'examples' ||
      key === 'title' ||
      key.startsWith('x-')
    ) {
      // Field names inside `properties` are kept: cleanProperties() never filters names.
      continue
    }
    if (key === 'nullable') {
      continue
    }
    if (key === '$ref') {
      out.$ref = value.replace('#/components/schemas/', '#/$defs/')
      continue
    }
    out[key] = key === 'properties' ? cleanProperties(value) : clean(value)
  }
  if (node.nullable === true) {
    return makeNullable(out)
  }
  return out
}

function cleanProperties(properties) {
  const out = {}
  for (const [name, schema] of Object.entries(properties)) {
    out[name] = clean(schema)
  }
  return out
}

function makeNullable(schema) {
  if (typeof schema.type === 'string' && !schema.$ref && !schema.oneOf && !schema.anyOf && !schema.allOf) {
    const copy = { ...schema, type: [schema.type, 'null'] }
    if (Array.isArray(copy.enum) && !copy.enum.includes(null)) {
      copy.enum = [...copy.enum, null]
    }
    return copy
  }
  // `allOf: [$ref]` + `nullable` is the spec's way to say "this ref or null".
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && Object.keys(schema).length === 1) {
    return { anyOf: [schema.allOf[0], { type: 'null' }] }
  }
  return { anyOf: [schema, { type: 'null' }] }
}

const defs = {}
for (const name of [...wanted].sort()) {
  defs[name] = clean(spec.components.schemas[name])
}
// Limits stated in the Metadata description, not in its schema.
defs.Metadata = {
  anyOf: [
    {
      type: 'object',
      maxProperties: 16,
      propertyNames: { maxLength: 64 },
      additionalProperties: { type: 'string', maxLength: 512 },
    },
    { type: 'null' },
  ],
}

// Function names: "a-z, A-Z, 0-9, underscores and dashes, with a maximum length of 64" (prose in the spec).
defs.FunctionObject.properties.name = { type: 'string', pattern: '^[a-zA-Z0-9_-]+$', maxLength: 64 }

const document = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $comment:
    'Extracted by scripts/extract-spec.mjs from openai/openai-openapi openapi.yaml @ f85dbe223d40e1a31cba812ab2d755c7e98a92a3 (MIT, Copyright (c) OpenAI). Do not edit by hand.',
  operations,
  $defs: defs,
}
writeFileSync(output, `${JSON.stringify(document, null, 1)}\n`)
console.log(
  `wrote ${output}: ${Object.keys(operations).length} operations, ${Object.keys(defs).length} schemas`,
)
