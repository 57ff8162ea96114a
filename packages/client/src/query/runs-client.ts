// Owns the `RunsClient` type: the core `Client` the query layer works with.
import type { Client } from '../core/index.ts'

/** The client the query layer and the hooks use: a core `Client` (its `baseURL` keeps backends' entries apart). */
export type RunsClient = Client
