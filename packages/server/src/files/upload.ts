// Owns the upload form of `POST /files`: reads the multipart body within the size limit and checks its fields
// against the spec's CreateFileRequest (file, purpose, expires_after), with OpenAI's wording for bad values.
import { badRequest, HttpError } from '../http.ts'
import { multipartBoundary, parseMultipart, readBodyLimited } from './multipart.ts'
import { type FilePurpose, uploadPurposes } from './types.ts'

/** An upload that passed every check. */
export interface Upload {
  bytes: Uint8Array
  filename: string
  purpose: FilePurpose
  /** Seconds after creation at which the file expires, when the form asked for it. */
  expiresAfterSeconds?: number
}

/** Room for the form around the file (boundaries, headers, the other fields). */
const formOverheadBytes = 64 * 1024

/** The 413 for an upload over the limit; the message names the limit and what to do. */
export function fileTooLarge(maxFileBytes: number): HttpError {
  // Our own text: OpenAI's (512 MB per file) is not verified here.
  return new HttpError(
    413,
    `The file is too large: this server accepts uploads of at most ${maxFileBytes} bytes (the maxFileBytes option). Upload a smaller file or raise the limit.`,
    { code: 'file_too_large' },
  )
}

function quoted(values: readonly string[]): string {
  const items = values.map((value) => `'${value}'`)
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`
}

const textDecoder = new TextDecoder()

/** Reads and checks the upload form of a `POST /files` request. */
export async function readUpload(request: Request, maxFileBytes: number): Promise<Upload> {
  const boundary = multipartBoundary(request.headers.get('content-type'))
  const body = await readBodyLimited(request, maxFileBytes + formOverheadBytes, () =>
    fileTooLarge(maxFileBytes),
  )
  const parts = parseMultipart(body, boundary)
  const fields = new Map<string, string>()
  let file: { data: Uint8Array; filename: string } | undefined
  for (const part of parts) {
    if (part.name === 'file') {
      if (file) {
        throw badRequest("The form has more than one 'file' part: upload one file per request.", 'file')
      }
      if (part.filename === undefined) {
        throw badRequest(
          "The 'file' part must be a file (a part with a filename), not a text field.",
          'file',
          'invalid_type',
        )
      }
      if (part.data.byteLength > maxFileBytes) {
        throw fileTooLarge(maxFileBytes)
      }
      file = { data: part.data, filename: part.filename }
      continue
    }
    if (!['purpose', 'expires_after[anchor]', 'expires_after[seconds]'].includes(part.name)) {
      throw badRequest(`Unrecognized request argument supplied: ${part.name}`, part.name, 'unknown_parameter')
    }
    if (fields.has(part.name)) {
      throw badRequest(`The form has the field '${part.name}' twice: send it once.`, part.name)
    }
    fields.set(part.name, textDecoder.decode(part.data))
  }
  if (!file) {
    throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter')
  }
  const purpose = fields.get('purpose')
  if (purpose === undefined) {
    throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter')
  }
  if (!(uploadPurposes as readonly string[]).includes(purpose)) {
    throw badRequest(
      `Invalid value: '${purpose}'. Supported values are: ${quoted(uploadPurposes)}.`,
      'purpose',
      'invalid_value',
    )
  }
  const upload: Upload = {
    bytes: file.data.slice(),
    filename: file.filename,
    purpose: purpose as FilePurpose,
  }
  const anchor = fields.get('expires_after[anchor]')
  const seconds = fields.get('expires_after[seconds]')
  if (anchor !== undefined || seconds !== undefined) {
    if (anchor !== 'created_at') {
      throw badRequest(
        anchor === undefined
          ? "Missing required parameter: 'expires_after.anchor'."
          : `Invalid value: '${anchor}'. Supported values are: 'created_at'.`,
        'expires_after.anchor',
        anchor === undefined ? 'missing_required_parameter' : 'invalid_value',
      )
    }
    const value = Number(seconds)
    if (seconds === undefined || !/^\d+$/.test(seconds) || value < 3600 || value > 2_592_000) {
      throw badRequest(
        seconds === undefined
          ? "Missing required parameter: 'expires_after.seconds'."
          : `Invalid 'expires_after.seconds': expected an integer from 3600 to 2592000, but got '${seconds.slice(0, 40)}' instead.`,
        'expires_after.seconds',
        seconds === undefined ? 'missing_required_parameter' : 'invalid_value',
      )
    }
    upload.expiresAfterSeconds = value
  }
  return upload
}
