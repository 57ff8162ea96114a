// biome-ignore-all lint/suspicious/noArrayIndexKey: outputs, results and content parts are identified by their index on the wire.
// ToolCallView: one tool call of a run step: function, code interpreter or file search (other hosts' types:
// details.tsx).
import type {
  CodeInterpreterToolCall,
  FileSearchResult,
  FileSearchToolCall,
  FunctionToolCall,
  KnownToolCall,
  ToolCall,
  UnknownToolCall,
} from '@oai-runs/client'
import { isKnownToolCall } from '@oai-runs/client'
import { forwardRef } from 'react'
import { parseArguments } from '../internal/format.ts'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import type { MessageContentOptions } from '../message-content/options.ts'
import { safeResolvedUrl } from '../message-content/render.tsx'
import {
  MAX_DETAILS_LENGTH,
  ToolCallViewDetails,
  type ToolCallViewDetailsProps,
  toolCallDetailsText,
} from './details.tsx'
import { highlight } from './highlight.tsx'

export type { ToolCallViewDetailsProps }
export { MAX_DETAILS_LENGTH, ToolCallViewDetails, toolCallDetailsText }

/** A tool call's progress: `pending` until a function has its output, `in_progress` while a step runs. */
export type ToolCallState = 'in_progress' | 'pending' | 'completed' | 'failed' | 'cancelled' | 'expired'

const TYPE_LABELS: Record<KnownToolCall['type'], string> = {
  function: 'Function call',
  code_interpreter: 'Code interpreter',
  file_search: 'File search',
}

// The `name` another host's call may carry (e.g. an `mcp` call's tool name), if it is a string.
function hostedName(toolCall: UnknownToolCall): string | undefined {
  return typeof toolCall.name === 'string' && toolCall.name !== '' ? toolCall.name : undefined
}

/** A label for a tool call, e.g. "Function call get_weather", or "Tool call mcp search" for other hosts' types. */
export function toolCallLabel(toolCall: ToolCall): string {
  if (!isKnownToolCall(toolCall)) {
    return `Tool call ${toolCall.type ?? ''} ${hostedName(toolCall) ?? ''}`.replace(/\s+/g, ' ').trim()
  }
  const base = TYPE_LABELS[toolCall.type] ?? toolCall.type
  return toolCall.type === 'function' ? `${base} ${toolCall.function?.name ?? ''}`.trim() : base
}

// ROOT

/** Props of `ToolCallView.Root`. */
export type ToolCallViewRootProps = PrimitiveProps<'div'> & {
  toolCall: ToolCall
  state?: ToolCallState | undefined
}

/** A labelled group for one tool call; `data-type` is the tool type and `data-state` its progress. */
export const ToolCallViewRoot = forwardRef<HTMLDivElement, ToolCallViewRootProps>(
  ({ toolCall, state = 'completed', ...props }, ref) => (
    <Primitive.div
      role="group"
      aria-label={toolCallLabel(toolCall)}
      data-oai-tool-call=""
      data-type={toolCall.type}
      data-state={state}
      {...props}
      ref={ref}
    />
  ),
)
ToolCallViewRoot.displayName = 'ToolCallView.Root'

/** Props of `ToolCallView.Name`. */
export type ToolCallViewNameProps = PrimitiveProps<'span'> & { toolCall: ToolCall }

/**
 * The tool type and, for functions, the function name; for another host's type, the type as sent and its `name`
 * when it has one (each isolated: the server and the model name them).
 */
export const ToolCallViewName = forwardRef<HTMLSpanElement, ToolCallViewNameProps>(
  ({ toolCall, children, ...props }, ref) => {
    const known = isKnownToolCall(toolCall)
    const name = known ? undefined : hostedName(toolCall)
    return (
      <Primitive.span
        data-oai-tool-name=""
        data-type={toolCall.type}
        data-known={known ? undefined : 'false'}
        {...props}
        ref={ref}
      >
        {children ??
          (known ? (
            <bdi>{toolCall.type === 'function' ? toolCall.function?.name : TYPE_LABELS[toolCall.type]}</bdi>
          ) : (
            <>
              <bdi>{String(toolCall.type ?? '')}</bdi>
              {name ? (
                <>
                  {' '}
                  <bdi>{name}</bdi>
                </>
              ) : null}
            </>
          ))}
      </Primitive.span>
    )
  },
)
ToolCallViewName.displayName = 'ToolCallView.Name'

/** Props of `ToolCallView.Section`. */
export type ToolCallViewSectionProps = PrimitiveProps<'div'> & { label: string }

/** A captioned section of a tool call (arguments, output, logs, …). */
export const ToolCallViewSection = forwardRef<HTMLDivElement, ToolCallViewSectionProps>(
  ({ label, children, ...props }, ref) => (
    <Primitive.div data-oai-tool-section="" {...props} ref={ref}>
      <span data-oai-caption="">{label}</span>
      {children}
    </Primitive.div>
  ),
)
ToolCallViewSection.displayName = 'ToolCallView.Section'

// FUNCTION

/** Props of `ToolCallView.Arguments`. */
export type ToolCallViewArgumentsProps = PrimitiveProps<'pre'> & {
  arguments: string
  /** True while the arguments are still streaming (partial JSON is expected then). */
  streaming?: boolean | undefined
}

/** Function arguments pretty-printed; malformed JSON is shown raw with `data-state="malformed"` (F8). */
export const ToolCallViewArguments = forwardRef<HTMLPreElement, ToolCallViewArgumentsProps>(
  ({ arguments: text, streaming, ...props }, ref) => {
    const parsed = parseArguments(text ?? '')
    const state = parsed.ok ? 'valid' : streaming ? 'partial' : 'malformed'
    return (
      <Primitive.pre data-oai-arguments="" data-state={state} {...props} ref={ref}>
        {parsed.ok ? parsed.pretty : parsed.raw}
      </Primitive.pre>
    )
  },
)
ToolCallViewArguments.displayName = 'ToolCallView.Arguments'

/** Props of `ToolCallView.Output`. */
export type ToolCallViewOutputProps = PrimitiveProps<'pre'> & { output: string | null | undefined }

/** A function's output (pretty-printed when JSON), or a note that it is still awaited. */
export const ToolCallViewOutput = forwardRef<HTMLPreElement, ToolCallViewOutputProps>(
  ({ output, ...props }, ref) => {
    const parsed = output == null ? null : parseArguments(output)
    return (
      <Primitive.pre data-oai-output="" data-state={output == null ? 'pending' : 'done'} {...props} ref={ref}>
        {parsed === null ? 'Waiting for output…' : parsed.ok ? parsed.pretty : parsed.raw}
      </Primitive.pre>
    )
  },
)
ToolCallViewOutput.displayName = 'ToolCallView.Output'

// CODE INTERPRETER

/** Props of `ToolCallView.Code`. */
export type ToolCallViewCodeProps = PrimitiveProps<'pre'> & { code: string }

/** Code interpreter input with simple syntax highlighting (`[data-token]` spans). */
export const ToolCallViewCode = forwardRef<HTMLPreElement, ToolCallViewCodeProps>(
  ({ code, ...props }, ref) => (
    <Primitive.pre data-oai-code="" {...props} ref={ref}>
      <code className="language-python">{highlight(code ?? '')}</code>
    </Primitive.pre>
  ),
)
ToolCallViewCode.displayName = 'ToolCallView.Code'

/** Props of `ToolCallView.Logs`. */
export type ToolCallViewLogsProps = PrimitiveProps<'pre'> & { logs: string }

/** Code interpreter logs (stdout/stderr) as plain text. */
export const ToolCallViewLogs = forwardRef<HTMLPreElement, ToolCallViewLogsProps>(
  ({ logs, ...props }, ref) => (
    <Primitive.pre data-oai-logs="" {...props} ref={ref}>
      {logs}
    </Primitive.pre>
  ),
)
ToolCallViewLogs.displayName = 'ToolCallView.Logs'

/** Props of `ToolCallView.Image`. */
export type ToolCallViewImageProps = PrimitiveProps<'figure'> & {
  fileId: string
  /** Resolves the image's file id to a URL of your file route (see `MessageContentOptions`). */
  getFileUrl?: MessageContentOptions['getFileUrl']
}

/** An image output of the code interpreter, loaded through `getFileUrl` (else its file id). */
export const ToolCallViewImage = forwardRef<HTMLElement, ToolCallViewImageProps>(
  ({ fileId, getFileUrl, ...props }, ref) => {
    const src = safeResolvedUrl(getFileUrl?.(fileId))
    return (
      <Primitive.figure
        data-oai-image-output=""
        data-state={src ? 'loaded' : 'unresolved'}
        {...props}
        ref={ref}
      >
        {src ? (
          <img src={src} alt={`Code interpreter output ${fileId}`} />
        ) : (
          <span>
            Image output <bdi>{fileId}</bdi>
          </span>
        )}
      </Primitive.figure>
    )
  },
)
ToolCallViewImage.displayName = 'ToolCallView.Image'

// FILE SEARCH

/** Props of `ToolCallView.Ranking`. */
export type ToolCallViewRankingProps = PrimitiveProps<'dl'> & {
  rankingOptions: NonNullable<FileSearchToolCall['file_search']['ranking_options']>
}

/** The ranker and score threshold a file search used. */
export const ToolCallViewRanking = forwardRef<HTMLDListElement, ToolCallViewRankingProps>(
  ({ rankingOptions, ...props }, ref) => (
    <Primitive.dl data-oai-ranking="" {...props} ref={ref}>
      <dt>Ranker</dt>
      <dd>{rankingOptions.ranker}</dd>
      <dt>Score threshold</dt>
      <dd>{rankingOptions.score_threshold}</dd>
    </Primitive.dl>
  ),
)
ToolCallViewRanking.displayName = 'ToolCallView.Ranking'

/** Props of `ToolCallView.Results`. */
export type ToolCallViewResultsProps = Omit<PrimitiveProps<'ol'>, 'results'> & {
  results: readonly FileSearchResult[]
}

/** File search results: file name (isolated from the score after it), score, and content when `include[]` asked for it. */
export const ToolCallViewResults = forwardRef<HTMLOListElement, ToolCallViewResultsProps>(
  ({ results, ...props }, ref) => (
    <Primitive.ol data-oai-results="" data-state={results.length ? 'found' : 'empty'} {...props} ref={ref}>
      {results.map((result, index) => (
        <li key={`${result.file_id}-${index}`} data-file-id={result.file_id}>
          <span data-oai-result-name="">
            <bdi>{result.file_name || result.file_id}</bdi>
          </span>{' '}
          <span data-oai-result-score="">score {Number(result.score).toFixed(2)}</span>
          {result.content?.length ? (
            <blockquote data-oai-result-content="">
              {result.content.map((part, partIndex) => (
                <p key={partIndex}>{part.text}</p>
              ))}
            </blockquote>
          ) : null}
        </li>
      ))}
    </Primitive.ol>
  ),
)
ToolCallViewResults.displayName = 'ToolCallView.Results'

// COMPOSITE

/** Props of `ToolCallView`. */
export type ToolCallViewProps = Omit<ToolCallViewRootProps, 'children'> & {
  /** Resolves code interpreter image file ids to URLs of your file route (see `MessageContentOptions`). */
  getFileUrl?: MessageContentOptions['getFileUrl']
}

function FunctionBody({ toolCall, streaming }: { toolCall: FunctionToolCall; streaming: boolean }) {
  return (
    <>
      <ToolCallViewSection label="Arguments">
        <ToolCallViewArguments arguments={toolCall.function?.arguments ?? ''} streaming={streaming} />
      </ToolCallViewSection>
      {!parseArguments(toolCall.function?.arguments ?? '').ok && !streaming ? (
        <p data-oai-note="">The arguments are not valid JSON; they are shown as received.</p>
      ) : null}
      <ToolCallViewSection label="Output">
        <ToolCallViewOutput output={toolCall.function?.output} />
      </ToolCallViewSection>
    </>
  )
}

function CodeBody({
  toolCall,
  getFileUrl,
}: {
  toolCall: CodeInterpreterToolCall
  getFileUrl: ToolCallViewProps['getFileUrl']
}) {
  const outputs = toolCall.code_interpreter?.outputs ?? []
  return (
    <>
      <ToolCallViewSection label="Input">
        <ToolCallViewCode code={toolCall.code_interpreter?.input ?? ''} />
      </ToolCallViewSection>
      {outputs.map((output, index) =>
        output.type === 'logs' ? (
          <ToolCallViewSection key={index} label="Logs">
            <ToolCallViewLogs logs={output.logs} />
          </ToolCallViewSection>
        ) : (
          <ToolCallViewImage key={index} fileId={output.image?.file_id ?? ''} getFileUrl={getFileUrl} />
        ),
      )}
    </>
  )
}

function FileSearchBody({ toolCall }: { toolCall: FileSearchToolCall }) {
  const search = toolCall.file_search ?? {}
  return (
    <>
      {search.ranking_options ? <ToolCallViewRanking rankingOptions={search.ranking_options} /> : null}
      <ToolCallViewSection label={`Results (${search.results?.length ?? 0})`}>
        <ToolCallViewResults results={search.results ?? []} />
      </ToolCallViewSection>
    </>
  )
}

const ToolCallViewComposite = forwardRef<HTMLDivElement, ToolCallViewProps>(function ToolCallViewComposite(
  { toolCall, state, getFileUrl, ...props },
  ref,
) {
  const resolved: ToolCallState =
    state ??
    (isKnownToolCall(toolCall) && toolCall.type === 'function' && toolCall.function?.output == null
      ? 'pending'
      : 'completed')
  return (
    <ToolCallViewRoot toolCall={toolCall} state={resolved} {...props} ref={ref}>
      <ToolCallViewName toolCall={toolCall} />
      {!isKnownToolCall(toolCall) ? (
        <ToolCallViewDetails toolCall={toolCall} />
      ) : toolCall.type === 'function' ? (
        <FunctionBody toolCall={toolCall} streaming={resolved === 'in_progress'} />
      ) : toolCall.type === 'code_interpreter' ? (
        <CodeBody toolCall={toolCall} getFileUrl={getFileUrl} />
      ) : toolCall.type === 'file_search' ? (
        <FileSearchBody toolCall={toolCall} />
      ) : null}
    </ToolCallViewRoot>
  )
})

/**
 * Shows one tool call by type: function (name, arguments, output), code interpreter (input, logs, images),
 * file search (ranking options, results, content), or any other host's type (its name and `Details`).
 * @example
 * <ToolCallView toolCall={step.step_details.tool_calls[0]} getFileUrl={(id) => `/api/files/${id}`} />
 */
export const ToolCallView = Object.assign(ToolCallViewComposite, {
  Root: ToolCallViewRoot,
  Name: ToolCallViewName,
  Section: ToolCallViewSection,
  Arguments: ToolCallViewArguments,
  Output: ToolCallViewOutput,
  Code: ToolCallViewCode,
  Logs: ToolCallViewLogs,
  Image: ToolCallViewImage,
  Ranking: ToolCallViewRanking,
  Results: ToolCallViewResults,
  Details: ToolCallViewDetails,
})
