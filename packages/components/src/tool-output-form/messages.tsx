// The tool-output form's field messages that carry markup: text from the model or the user sits in <bdi>.

import { Fragment, type ReactNode } from 'react'
import type { SchemaProblem } from './json-schema.ts'

/** Schema problems as text, each path isolated (it comes from the model's or the user's JSON keys). */
export function SchemaProblems({ problems }: { problems: readonly SchemaProblem[] }) {
  return problems.map((problem, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity but their order
    <Fragment key={index}>
      {index > 0 ? '; ' : null}
      <bdi data-oai-schema-path="">{problem.path}</bdi> {problem.message}
    </Fragment>
  ))
}

/** A field left empty. */
export function emptyOutputError(name: string): ReactNode {
  return (
    <>
      Enter the output of <bdi>{name}</bdi>.
    </>
  )
}

/** A JSON output against its output schema (`null` when it matches). */
export function schemaMismatchError(problems: readonly SchemaProblem[]): ReactNode {
  return problems.length ? (
    <>
      Does not match the output schema: <SchemaProblems problems={problems} />.
    </>
  ) : null
}

/** A client-side handler that threw (F10). */
export function handlerFailedError(name: string | undefined, error: unknown): ReactNode {
  return (
    <>
      <bdi>{name}</bdi> failed: <bdi>{error instanceof Error ? error.message : String(error)}</bdi>
    </>
  )
}
