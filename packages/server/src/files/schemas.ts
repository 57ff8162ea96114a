// Request body schemas of the Vector Stores API, copied from the spec's CreateVectorStoreRequest,
// UpdateVectorStoreRequest, CreateVectorStoreFileRequest, CreateVectorStoreFileBatchRequest,
// UpdateVectorStoreFileAttributesRequest and VectorStoreSearchRequest (openai-openapi, MIT, Copyright (c) OpenAI),
// without descriptions, in the subset of JSON Schema that ../validate.ts checks. `filters` are checked by
// ../files/indexing.ts (they nest, which the subset cannot say).
import type { Schema } from '../validate.ts'

const metadata: Schema = { $ref: '#/$defs/Metadata' }

const chunkingStrategy: Schema = {
  type: 'object',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: { type: { type: 'string', enum: ['auto'] } },
      required: ['type'],
    },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: ['static'] },
        static: {
          type: 'object',
          additionalProperties: false,
          properties: {
            max_chunk_size_tokens: { type: 'integer', minimum: 100, maximum: 4096 },
            chunk_overlap_tokens: { type: 'integer', minimum: 0 },
          },
          required: ['max_chunk_size_tokens', 'chunk_overlap_tokens'],
        },
      },
      required: ['type', 'static'],
    },
  ],
}

const expiresAfter: Schema = {
  type: 'object',
  properties: {
    anchor: { type: 'string', enum: ['last_active_at'] },
    days: { type: 'integer', minimum: 1, maximum: 365 },
  },
  required: ['anchor', 'days'],
}

const attributes: Schema = {
  type: ['object', 'null'],
  maxProperties: 16,
  propertyNames: { type: 'string', maxLength: 64 },
  additionalProperties: {
    oneOf: [{ type: 'string', maxLength: 512 }, { type: 'number' }, { type: 'boolean' }],
  },
}

const fileIds = (min: number | undefined, max: number): Schema => ({
  type: 'array',
  ...(min === undefined ? {} : { minItems: min }),
  maxItems: max,
  items: { type: 'string' },
})

const createFile: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { file_id: { type: 'string' }, chunking_strategy: chunkingStrategy, attributes },
  required: ['file_id'],
}

/** The request schemas by operation id. */
export const vectorStoreSchemas = {
  createVectorStore: {
    type: 'object',
    additionalProperties: false,
    properties: {
      file_ids: fileIds(undefined, 500),
      name: { type: 'string' },
      description: { type: 'string' },
      expires_after: expiresAfter,
      chunking_strategy: chunkingStrategy,
      metadata,
    },
  },
  modifyVectorStore: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: ['string', 'null'] },
      expires_after: { anyOf: [expiresAfter, { type: 'null' }] },
      metadata,
    },
  },
  createVectorStoreFile: createFile,
  createVectorStoreFileBatch: {
    type: 'object',
    additionalProperties: false,
    properties: {
      file_ids: fileIds(1, 2000),
      files: { type: 'array', minItems: 1, maxItems: 2000, items: createFile },
      chunking_strategy: chunkingStrategy,
      attributes,
    },
  },
  updateVectorStoreFileAttributes: {
    type: 'object',
    additionalProperties: false,
    properties: { attributes },
    required: ['attributes'],
  },
  searchVectorStore: {
    type: 'object',
    additionalProperties: false,
    properties: {
      query: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      rewrite_query: { type: 'boolean' },
      max_num_results: { type: 'integer', minimum: 1, maximum: 50 },
      filters: { type: 'object' },
      ranking_options: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ranker: { type: 'string', enum: ['none', 'auto', 'default-2024-11-15'] },
          score_threshold: { type: 'number', minimum: 0, maximum: 1 },
        },
      },
    },
    required: ['query'],
  },
} satisfies Record<string, Schema>
