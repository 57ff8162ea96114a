// Owns the 404s of the Files and Vector Stores APIs. "No such File object: file-…" is OpenAI's text as
// clients log it (e.g. LibreChat issue #2632); "No vector store found with id '…'." is the text clients match on
// (third-party code, not checked against the hosted API here); the vector store file and batch texts are ours,
// in the same form, unverified.
import { HttpError } from '../http.ts'

/** The 404 for an unknown file id. */
export function fileNotFound(id: string): HttpError {
  return new HttpError(404, `No such File object: ${id}`, { param: 'id' })
}

/** The 404 for an unknown vector store id. */
export function vectorStoreNotFound(id: string): HttpError {
  return new HttpError(404, `No vector store found with id '${id}'.`)
}

/** The 404 for a file that is not in the vector store. */
export function vectorStoreFileNotFound(vectorStoreId: string, fileId: string): HttpError {
  return new HttpError(404, `No file found with id '${fileId}' in vector store '${vectorStoreId}'.`)
}

/** The 404 for an unknown file batch of a vector store. */
export function fileBatchNotFound(vectorStoreId: string, batchId: string): HttpError {
  return new HttpError(404, `No file batch found with id '${batchId}' in vector store '${vectorStoreId}'.`)
}
