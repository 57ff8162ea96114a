// Owns the public surface of the Files and Vector Stores APIs: the local handler, the upstream pass-through,
// the run file search and the wire types.
export {
  createFilesHandler,
  defaultMaxFileBytes,
  type FilesHandler,
  type FilesHandlerOptions,
} from './handler.ts'
export { createRunFileSearch, type RunFileSearch } from './search.ts'
export type * from './types.ts'
export { uploadPurposes } from './types.ts'
export { createUpstreamFiles, type UpstreamFilesOptions } from './upstream.ts'
