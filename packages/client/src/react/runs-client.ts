// The client the React layer works with: the core `Client`, whose `baseURL` scopes every cache key.
import type { Client } from '../core/index.ts'

/** The client the hooks use: a core `Client` (its `baseURL` keeps two backends' cache entries apart). */
export type RunsClient = Client
