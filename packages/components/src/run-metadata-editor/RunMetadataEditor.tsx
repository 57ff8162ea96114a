'use client'
// RunMetadataEditor: edits a run's metadata within the spec's limits and saves it (modify run).
import type { Metadata } from '@oai-runs/client'
import { createContext, forwardRef, memo, useContext, useId, useRef, useState } from 'react'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import { useControllableState } from '../internal/use-controllable-state.ts'
import { fromPairs, METADATA_LIMITS, type MetadataPair, toPairs, validatePairs } from './metadata.ts'

type EditorContextValue = {
  id: string
  pairs: MetadataPair[]
  errors: ReturnType<typeof validatePairs>
  showErrors: boolean
  setPair: (index: number, pair: MetadataPair) => void
  removePair: (index: number) => void
  addPair: () => void
  state: 'idle' | 'saving' | 'saved' | 'error'
  message: string
  messageRef: React.RefObject<HTMLParagraphElement | null>
}

const EditorContext = createContext<EditorContextValue | null>(null)

function useEditorContext(part: string): EditorContextValue {
  const context = useContext(EditorContext)
  if (!context) {
    throw new Error(`\`RunMetadataEditor.${part}\` must be used within \`RunMetadataEditor.Root\`.`)
  }
  return context
}

/** Props of `RunMetadataEditor.Root`. */
export type RunMetadataEditorRootProps = Omit<PrimitiveProps<'form'>, 'onSubmit' | 'defaultValue'> & {
  /** The run's current metadata (the initial rows when uncontrolled). */
  metadata?: Metadata | undefined
  /** Controlled rows. */
  value?: MetadataPair[] | undefined
  /** Called with every change of the rows. */
  onValueChange?: ((pairs: MetadataPair[]) => void) | undefined
  /** Saves the metadata (e.g. `modify.mutateAsync({ …ids, body: { metadata } })`); reject to show the error. */
  onSave: (metadata: Record<string, string>) => unknown
}

/** The form: validates against the limits (16 pairs, 64-character keys, 512-character values) and saves. */
export const RunMetadataEditorRoot = forwardRef<HTMLFormElement, RunMetadataEditorRootProps>(
  ({ metadata, value, onValueChange, onSave, ...props }, ref) => {
    const id = useId()
    const [pairs, setPairs] = useControllableState(value, toPairs(metadata), onValueChange)
    const [state, setState] = useState<EditorContextValue['state']>('idle')
    const [message, setMessage] = useState('')
    const [showErrors, setShowErrors] = useState(false)
    const messageRef = useRef<HTMLParagraphElement>(null)
    const errors = validatePairs(pairs)
    const invalid = errors.form !== null || errors.rows.some((row) => row.key || row.value)
    const context: EditorContextValue = {
      id,
      pairs,
      errors,
      showErrors,
      state,
      message,
      messageRef,
      setPair: (index, pair) => {
        setState('idle')
        setPairs((previous) => previous.map((item, position) => (position === index ? pair : item)))
      },
      removePair: (index) => {
        setPairs((previous) => previous.filter((_, position) => position !== index))
        // Focus the row that took its place, else the "Add" button.
        requestAnimationFrame(() => {
          const next = document.getElementById(`${id}-key-${index}`) ?? document.getElementById(`${id}-add`)
          next?.focus()
        })
      },
      addPair: () => {
        const index = pairs.length
        setPairs((previous) => [...previous, { key: '', value: '' }])
        requestAnimationFrame(() => document.getElementById(`${id}-key-${index}`)?.focus())
      },
    }
    return (
      <EditorContext.Provider value={context}>
        <Primitive.form
          data-oai-metadata-editor=""
          data-state={state}
          aria-busy={state === 'saving' || undefined}
          noValidate
          onSubmit={async (event) => {
            event.preventDefault()
            if (state === 'saving') {
              return
            }
            setShowErrors(true)
            if (invalid) {
              setMessage('Fix the highlighted fields, then save.')
              setState('error')
              requestAnimationFrame(() => messageRef.current?.focus())
              return
            }
            setState('saving')
            setMessage('Saving…')
            try {
              await onSave(fromPairs(pairs))
              setState('saved')
              setMessage('Metadata saved.')
            } catch (error) {
              setState('error')
              setMessage(`Saving failed: ${error instanceof Error ? error.message : String(error)}`)
              requestAnimationFrame(() => messageRef.current?.focus())
            }
          }}
          {...props}
          ref={ref}
        />
      </EditorContext.Provider>
    )
  },
)
RunMetadataEditorRoot.displayName = 'RunMetadataEditor.Root'

/** Props of `RunMetadataEditor.Row`. */
export type RunMetadataEditorRowProps = PrimitiveProps<'div'> & { index: number }

/** One key/value pair (a labelled group); `data-state` is `invalid` when a limit is broken. */
export const RunMetadataEditorRow = forwardRef<HTMLDivElement, RunMetadataEditorRowProps>(
  ({ index, children, ...props }, ref) => {
    const { id, pairs, errors, showErrors, setPair, removePair } = useEditorContext('Row')
    const pair = pairs[index] ?? { key: '', value: '' }
    const rowErrors = errors.rows[index] ?? { key: null, value: null }
    const keyError =
      rowErrors.key && (showErrors || pair.key.length > METADATA_LIMITS.maxKeyLength) ? rowErrors.key : null
    const valueError = rowErrors.value
    const errorId = `${id}-error-${index}`
    return (
      <Primitive.div
        role="group"
        aria-label={`Pair ${index + 1}`}
        data-oai-metadata-row=""
        data-state={keyError || valueError ? 'invalid' : 'valid'}
        {...props}
        ref={ref}
      >
        {children ?? (
          <>
            <label htmlFor={`${id}-key-${index}`}>Key {index + 1}</label>
            <input
              id={`${id}-key-${index}`}
              dir="auto"
              value={pair.key}
              aria-invalid={keyError ? true : undefined}
              aria-describedby={keyError || valueError ? errorId : undefined}
              onChange={(event) => setPair(index, { ...pair, key: event.target.value })}
            />
            <label htmlFor={`${id}-value-${index}`}>Value {index + 1}</label>
            <input
              id={`${id}-value-${index}`}
              dir="auto"
              value={pair.value}
              aria-invalid={valueError ? true : undefined}
              aria-describedby={keyError || valueError ? errorId : undefined}
              onChange={(event) => setPair(index, { ...pair, value: event.target.value })}
            />
            <button type="button" aria-label={`Remove pair ${index + 1}`} onClick={() => removePair(index)}>
              Remove
            </button>
            {keyError || valueError ? (
              <span id={errorId} data-oai-field-error="">
                {[keyError, valueError].filter(Boolean).join(' ')}
              </span>
            ) : null}
          </>
        )}
      </Primitive.div>
    )
  },
)
RunMetadataEditorRow.displayName = 'RunMetadataEditor.Row'

/** Props of `RunMetadataEditor.Add`. */
export type RunMetadataEditorAddProps = PrimitiveProps<'button'>

/** Adds an empty pair; `aria-disabled` at the 16-pair limit. */
export const RunMetadataEditorAdd = forwardRef<HTMLButtonElement, RunMetadataEditorAddProps>(
  ({ children, ...props }, ref) => {
    const { id, pairs, addPair } = useEditorContext('Add')
    const full = pairs.length >= METADATA_LIMITS.maxPairs
    return (
      <Primitive.button
        type="button"
        id={`${id}-add`}
        data-oai-metadata-add=""
        data-state={full ? 'full' : 'available'}
        aria-disabled={full || undefined}
        onClick={() => {
          if (!full) {
            addPair()
          }
        }}
        {...props}
        ref={ref}
      >
        {children ?? (full ? `Limit of ${METADATA_LIMITS.maxPairs} pairs reached` : 'Add pair')}
      </Primitive.button>
    )
  },
)
RunMetadataEditorAdd.displayName = 'RunMetadataEditor.Add'

/** Props of `RunMetadataEditor.Save`. */
export type RunMetadataEditorSaveProps = PrimitiveProps<'button'>

/** Saves the metadata. */
export const RunMetadataEditorSave = forwardRef<HTMLButtonElement, RunMetadataEditorSaveProps>(
  ({ children, ...props }, ref) => {
    const { state } = useEditorContext('Save')
    return (
      <Primitive.button
        type="submit"
        data-oai-metadata-save=""
        data-state={state}
        aria-disabled={state === 'saving' || undefined}
        {...props}
        ref={ref}
      >
        {children ?? (state === 'saving' ? 'Saving…' : 'Save metadata')}
      </Primitive.button>
    )
  },
)
RunMetadataEditorSave.displayName = 'RunMetadataEditor.Save'

/** Props of `RunMetadataEditor.Message`. */
export type RunMetadataEditorMessageProps = PrimitiveProps<'p'>

/** Save progress and errors in a live region (focused after a failure). */
export const RunMetadataEditorMessage = forwardRef<HTMLParagraphElement, RunMetadataEditorMessageProps>(
  (props, ref) => {
    const { message, state, messageRef, errors } = useEditorContext('Message')
    const text = errors.form ?? message
    return (
      <Primitive.p
        role={state === 'error' || errors.form ? 'alert' : 'status'}
        tabIndex={-1}
        data-oai-notice=""
        data-state={errors.form ? 'error' : state}
        {...props}
        ref={(element: HTMLParagraphElement | null) => {
          messageRef.current = element
          if (typeof ref === 'function') {
            ref(element)
          } else if (ref) {
            ref.current = element
          }
        }}
      >
        {text}
      </Primitive.p>
    )
  },
)
RunMetadataEditorMessage.displayName = 'RunMetadataEditor.Message'

/** Props of `RunMetadataEditor`. */
export type RunMetadataEditorProps = Omit<RunMetadataEditorRootProps, 'children'> & {
  /** The form's accessible name. @defaultValue 'Run metadata' */
  title?: string | undefined
}

// Memoised: a streaming run re-renders its viewer every frame, and this part only when its props change.
const RunMetadataEditorComposite = memo(
  forwardRef<HTMLFormElement, RunMetadataEditorProps>(function RunMetadataEditorComposite(
    { title = 'Run metadata', ...props },
    ref,
  ) {
    return (
      <RunMetadataEditorRoot aria-label={title} {...props} ref={ref}>
        <RowsOf />
        <div data-oai-actions="">
          <RunMetadataEditorAdd />
          <RunMetadataEditorSave />
        </div>
        <RunMetadataEditorMessage />
      </RunMetadataEditorRoot>
    )
  }),
)

function RowsOf() {
  const { pairs } = useEditorContext('Row')
  return (
    <>
      {pairs.length === 0 ? <p data-oai-empty="">No metadata.</p> : null}
      {pairs.map((_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row is its position ("Key 2"); the inputs are controlled
        <RunMetadataEditorRow key={index} index={index} />
      ))}
    </>
  )
}

/**
 * Edits a run's metadata as key/value rows within the spec's limits and saves it with one modify call.
 * @example
 * <RunMetadataEditor metadata={run.metadata} onSave={(metadata) => modify.mutateAsync({ ...ids, body: { metadata } })} />
 */
export const RunMetadataEditor = Object.assign(RunMetadataEditorComposite, {
  Root: RunMetadataEditorRoot,
  Row: RunMetadataEditorRow,
  Add: RunMetadataEditorAdd,
  Save: RunMetadataEditorSave,
  Message: RunMetadataEditorMessage,
})
