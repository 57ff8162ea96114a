// The error of a request rejected by the client's own validation before it was sent.
import { OaiRunsError } from './base.ts'

/** A request failed client-side validation before it was sent; `param` names the field to fix. */
export class ValidationError extends OaiRunsError {
  override name = 'ValidationError'
  /** The request field at fault, e.g. `temperature` or `metadata.key`. */
  declare readonly param: string

  constructor(param: string, message: string) {
    super(message)
    this.param = param
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), param: this.param }
  }
}
