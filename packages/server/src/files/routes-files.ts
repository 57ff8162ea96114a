// Owns the `/files` routes: upload (multipart), list, retrieve, content and delete, answering the spec's
// OpenAIFile, ListFilesResponse and DeleteFileResponse shapes.
import { badRequest } from '../http.ts'
import { paginate } from '../pagination.ts'
import { contentDisposition } from '../proxy/responses.ts'
import { createFile, deleteFile, fileContent, getFile, listFiles } from './local.ts'
import type { FilesRoute } from './route.ts'
import type { FileDeletedObject } from './types.ts'
import { readUpload } from './upload.ts'

const contentTypes: Record<string, string> = {
  md: 'text/markdown; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  jsonl: 'application/jsonl',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
}

/** The content type a file's name suggests; `application/octet-stream` for anything else. */
export function contentTypeOf(filename: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? ''
  return contentTypes[extension] ?? 'application/octet-stream'
}

/** `limit` of the files list: 1 to 10,000, 10,000 by default (the spec's listFiles). */
function fileListLimit(url: URL): number {
  const raw = url.searchParams.get('limit')
  if (raw === null) {
    return 10_000
  }
  const limit = Number(raw)
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(limit)) {
    throw badRequest(
      `Invalid type for 'limit': expected an integer, but got a string instead.`,
      'limit',
      'invalid_type',
    )
  }
  if (limit < 1 || limit > 10_000) {
    throw badRequest(
      `Invalid 'limit': integer ${limit < 1 ? 'below minimum' : 'above maximum'} value. Expected a value ${limit < 1 ? '>= 1' : '<= 10000'}, but got ${limit} instead.`,
      'limit',
      limit < 1 ? 'integer_below_min_value' : 'integer_above_max_value',
    )
  }
  return limit
}

/** The routes of `/files`. */
export const fileRoutes: FilesRoute[] = [
  {
    method: 'POST',
    path: '/files',
    handler: async ({ request, files, maxFileBytes }) =>
      createFile(files, await readUpload(request, maxFileBytes)),
  },
  {
    method: 'GET',
    path: '/files',
    handler: ({ url, files }) => {
      const order = url.searchParams.get('order') ?? 'desc'
      if (order !== 'asc' && order !== 'desc') {
        throw badRequest(
          `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`,
          'order',
          'invalid_value',
        )
      }
      const purpose = url.searchParams.get('purpose')
      const all = listFiles(files).filter((file) => purpose === null || file.purpose === purpose)
      const after = url.searchParams.get('after') ?? undefined
      return paginate(all, { limit: fileListLimit(url), order, after, before: undefined })
    },
  },
  {
    method: 'GET',
    path: '/files/{file_id}',
    handler: ({ params, files }) => getFile(files, params.file_id!),
  },
  {
    method: 'DELETE',
    path: '/files/{file_id}',
    handler: ({ params, files }) => {
      const id = params.file_id!
      getFile(files, id)
      deleteFile(files, id)
      return { id, object: 'file', deleted: true } satisfies FileDeletedObject
    },
  },
  {
    method: 'GET',
    path: '/files/{file_id}/content',
    handler: ({ params, files }) => {
      const { file, bytes } = fileContent(files, params.file_id!)
      return new Response(bytes.slice().buffer, {
        status: 200,
        headers: {
          'content-type': contentTypeOf(file.filename),
          'content-length': String(bytes.byteLength),
          'content-disposition': contentDisposition(file.filename),
        },
      })
    },
  },
]
