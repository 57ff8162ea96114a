// client.files: read files (their object, their bytes, a URL for links and images). Uploads are left to the
// official `openai` SDK, which builds the multipart body this client's JSON transport does not.
import { ValidationError } from './errors.ts'
import { type ApiPromise, apiPromise, type PagePromise, pagePromise } from './pagination.ts'
import { buildUrl, type CallOptions, callFields, type Transport } from './transport.ts'
import type { ListFilesQuery, OpenAIFile } from './types/file.ts'
import type { ListResponse } from './types/shared.ts'
import { pathId } from './validate.ts'

/** Identifies a file. */
export type FileIds = { fileId: string }

/**
 * The `client.files` resource: read-only. Upload with the official `openai` SDK (`openai.files.create`), which
 * sends the multipart body; the files it creates are then read here.
 */
export type FilesResource = {
  /** Fetches one file object (its `filename`, `bytes`, `purpose`, …). */
  retrieve(ids: FileIds, options?: CallOptions): ApiPromise<OpenAIFile>
  /** Lists files (newest first by default); await for a page or `for await` every file. */
  list(query?: ListFilesQuery, options?: CallOptions): PagePromise<OpenAIFile>
  /**
   * Fetches a file's bytes as the raw, unread `Response` (stream it, or call `.blob()`, `.text()`,
   * `.arrayBuffer()`; its `content-type` and `content-disposition` headers are there too).
   */
  content(ids: FileIds, options?: CallOptions): ApiPromise<Response>
  /**
   * The URL of a file's bytes (`{baseURL}/files/{id}/content`, relative when `baseURL` is), for `<a href>` and
   * `<img src>` behind a same-origin proxy; a browser sends no API key with it, so it works only through one.
   */
  url(ids: FileIds): string
}

const filePath = (ids: FileIds) => `/files/${pathId(ids?.fileId, 'fileId')}`

function checkLimit(limit: unknown): void {
  if (
    limit !== undefined &&
    !(Number.isInteger(limit) && (limit as number) >= 1 && (limit as number) <= 10_000)
  ) {
    throw new ValidationError('limit', '`limit` must be an integer from 1 to 10000.')
  }
}

/** Creates `client.files` over a transport. */
export function createFiles(transport: Transport): FilesResource {
  return {
    retrieve(ids, options) {
      return apiPromise(() =>
        transport.request<OpenAIFile>({ method: 'GET', path: filePath(ids), ...callFields(options) }),
      )
    },
    list(query = {}, options) {
      // The files list allows up to 10,000 items a page (the shared list rule says 100): check it here.
      const { limit, ...rest } = query
      return pagePromise(rest, (pageQuery) => {
        checkLimit(limit)
        return transport.request<ListResponse<OpenAIFile>>({
          method: 'GET',
          path: '/files',
          query: { ...pageQuery, limit },
          ...callFields(options),
        })
      })
    },
    content(ids, options) {
      return apiPromise(async () => {
        const { controller, ...result } = await transport.stream({
          method: 'GET',
          path: `${filePath(ids)}/content`,
          ...callFields(options),
          headers: { accept: '*/*', ...options?.headers },
        })
        // The transport lets go of the caller's signal once the headers are in; keep it aborting the body.
        options?.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason), {
          once: true,
        })
        return result
      })
    },
    url(ids) {
      return buildUrl(transport.config.baseURL, `${filePath(ids)}/content`, transport.config.defaultQuery)
    },
  }
}
