// Owns the store interface (synchronous collections of wire objects) and the in-memory store.
import type {
  FileObject,
  VectorStoreFileBatchObject,
  VectorStoreFileRecord,
  VectorStoreObject,
} from './files/types.ts'
import type { AssistantObject, MessageObject, RunObject, RunStepObject, ThreadObject } from './types.ts'

/** A keyed collection that keeps insertion order (the order lists are paginated in). */
export interface Collection<T extends { id: string }> {
  get(id: string): T | undefined
  put(item: T): void
  delete(id: string): boolean
  /** Every item, oldest first. */
  list(): T[]
}

/** Collections grouped by a parent id: messages and runs by thread, steps by run. */
export interface ScopedCollection<T extends { id: string }> {
  get(scope: string, id: string): T | undefined
  put(scope: string, item: T): void
  delete(scope: string, id: string): boolean
  /** Every item of a scope, oldest first. */
  list(scope: string): T[]
  /** Drops a whole scope (a deleted thread's messages and runs). */
  deleteScope(scope: string): void
}

/** File bytes by file id. */
export interface BlobCollection {
  get(id: string): Uint8Array | undefined
  put(id: string, bytes: Uint8Array): void
  delete(id: string): boolean
}

/** Where the Files and Vector Stores APIs keep their objects; synchronous like the rest of the store. */
export interface FilesStore {
  /** Uploaded files' objects, oldest first. */
  files: Collection<FileObject>
  /** Uploaded files' bytes. */
  contents: BlobCollection
  vectorStores: Collection<VectorStoreObject>
  /** The files of each vector store (scope: the vector store id), with their chunks. */
  vectorStoreFiles: ScopedCollection<VectorStoreFileRecord>
  /** The file batches of each vector store (scope: the vector store id). */
  fileBatches: ScopedCollection<VectorStoreFileBatchObject>
  /** Runs `work` as one unit, as {@link RunsStore.transaction} does. */
  transaction?<T>(work: () => T): T
}

/**
 * Where a server keeps its objects. Synchronous on purpose: the memory store and an embedded database
 * (SQLite) both answer without awaiting, and it keeps every state transition atomic.
 */
export interface RunsStore {
  assistants: Collection<AssistantObject>
  threads: Collection<ThreadObject>
  messages: ScopedCollection<MessageObject>
  runs: ScopedCollection<RunObject>
  steps: ScopedCollection<RunStepObject>
  /** Files and vector stores; a store without them gets a memory one from the server. */
  files?: FilesStore
  /**
   * Runs `work` (synchronous writes) as one unit: all of them or none. Durable stores wrap it in a database
   * transaction; without it each write stands alone.
   */
  transaction?<T>(work: () => T): T
}

function createCollection<T extends { id: string }>(): Collection<T> {
  const items = new Map<string, T>()
  return {
    get: (id) => items.get(id),
    put: (item) => {
      items.set(item.id, item)
    },
    delete: (id) => items.delete(id),
    list: () => [...items.values()],
  }
}

function createScopedCollection<T extends { id: string }>(): ScopedCollection<T> {
  const scopes = new Map<string, Map<string, T>>()
  return {
    get: (scope, id) => scopes.get(scope)?.get(id),
    put: (scope, item) => {
      let items = scopes.get(scope)
      if (!items) {
        items = new Map()
        scopes.set(scope, items)
      }
      items.set(item.id, item)
    },
    delete: (scope, id) => scopes.get(scope)?.delete(id) ?? false,
    list: (scope) => [...(scopes.get(scope)?.values() ?? [])],
    deleteScope: (scope) => {
      scopes.delete(scope)
    },
  }
}

/** Creates an in-memory {@link FilesStore}: per server instance, gone with it. */
export function createMemoryFilesStore(): FilesStore {
  const contents = new Map<string, Uint8Array>()
  return {
    files: createCollection(),
    contents: {
      get: (id) => contents.get(id),
      put: (id, bytes) => {
        contents.set(id, bytes.slice())
      },
      delete: (id) => contents.delete(id),
    },
    vectorStores: createCollection(),
    vectorStoreFiles: createScopedCollection(),
    fileBatches: createScopedCollection(),
    transaction: (work) => work(),
  }
}

/** Creates the in-memory store: per server instance, gone with it. */
export function createMemoryStore(): RunsStore {
  return {
    files: createMemoryFilesStore(),
    assistants: createCollection(),
    threads: createCollection(),
    messages: createScopedCollection(),
    runs: createScopedCollection(),
    steps: createScopedCollection(),
    transaction: (work) => work(),
  }
}
