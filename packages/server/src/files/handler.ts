// Owns the local Files and Vector Stores fetch handler: matches `/files…` and `/vector_stores…` under the base
// path, runs the route over a FilesStore and turns every error into OpenAI's error body (never a throw).
import { type Clock, systemClock, unixSeconds } from '../clock.ts'
import { HttpError, jsonResponse } from '../http.ts'
import { createIdGenerator, type IdGenerator } from '../ids.ts'
import type { FilesStore } from '../store.ts'
import type { FilesContext } from './local.ts'
import type { FilesRoute } from './route.ts'
import { fileRoutes } from './routes-files.ts'
import { vectorStoreRoutes } from './routes-vector-stores.ts'

/** Answers a Files / Vector Stores request, or undefined for a path it does not own. */
export type FilesHandler = (request: Request) => Promise<Response | undefined>

/** Options of {@link createFilesHandler}. */
export interface FilesHandlerOptions {
  /** Path prefix of the API. @defaultValue '/v1' */
  basePath?: string
  /** Time source for `created_at` and expiry. @defaultValue systemClock */
  clock?: Clock
  /** Id generator (the server passes its own, so seeded ids stay deterministic). @defaultValue random ids */
  ids?: IdGenerator
  /** Largest upload accepted, in bytes; a larger one gets a 413. @defaultValue 67108864 (64 MiB) */
  maxFileBytes?: number
  /** The `openai-poll-after-ms` header on vector store files and batches. @defaultValue 500 */
  pollAfterMs?: number
}

/** The default upload limit: 64 MiB (OpenAI allows 512 MB; a local server keeps files in memory or SQLite). */
export const defaultMaxFileBytes = 64 * 1024 * 1024

interface CompiledRoute extends FilesRoute {
  pattern: RegExp
  names: string[]
}

const routes: CompiledRoute[] = [...fileRoutes, ...vectorStoreRoutes]
  .map((route) => {
    const names: string[] = []
    const source = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    return { ...route, pattern: new RegExp(`^${source}/?$`), names }
  })
  .sort((a, b) => a.names.length - b.names.length)

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment // a malformed %-escape: the raw segment, which names no object
  }
}

/**
 * Creates the local Files and Vector Stores API over `store`: a fetch handler that answers `/files…` and
 * `/vector_stores…` under `basePath` and returns undefined for every other path, so it can sit in front of any
 * other handler. It does not check API keys: the host does (createRunsServer does).
 * @example
 * const files = createFilesHandler(createMemoryFilesStore())
 * const response = (await files(request)) ?? (await other(request))
 */
export function createFilesHandler(store: FilesStore, options: FilesHandlerOptions = {}): FilesHandler {
  const basePath = options.basePath ?? '/v1'
  const clock = options.clock ?? systemClock
  const files: FilesContext = {
    store,
    now: () => unixSeconds(clock),
    ids: options.ids ?? createIdGenerator(),
  }
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes
  const pollAfterMs = options.pollAfterMs ?? 500

  return async (request) => {
    const url = new URL(request.url)
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : ''
    if (!/^\/(files|vector_stores)(\/|$)/.test(path)) {
      return undefined
    }
    try {
      for (const route of routes) {
        const match = route.method === request.method ? route.pattern.exec(path) : null
        if (match) {
          const params: Record<string, string> = {}
          route.names.forEach((name, index) => {
            params[name] = decode(match[index + 1]!)
          })
          const result = await route.handler({ request, url, params, files, maxFileBytes, pollAfterMs })
          return result instanceof Response ? result : jsonResponse(result)
        }
      }
      throw new HttpError(404, `Invalid URL (${request.method} ${url.pathname})`)
    } catch (error) {
      if (error instanceof HttpError) {
        return jsonResponse(error.toBody(), error.status, error.headers)
      }
      return jsonResponse(
        new HttpError(500, 'The server had an error processing your request. Sorry about that!').toBody(),
        500,
      )
    }
  }
}
