// RunStatusBadge: a run (or step) status as text plus a decorative indicator; unknown statuses shown raw.
import type { RunStatus } from '@oai-runs/client'
import { forwardRef, memo } from 'react'
import { statusLabel } from '../internal/format.ts'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'

/** Props of `RunStatusBadge.Root`. */
export type RunStatusBadgeRootProps = PrimitiveProps<'span'> & {
  /** The status to show; an unknown future status is shown as-is (checklist C7). */
  status: RunStatus | (string & {})
}

/** The badge element; `data-state` is the raw status. */
export const RunStatusBadgeRoot = forwardRef<HTMLSpanElement, RunStatusBadgeRootProps>(
  ({ status, ...props }, ref) => (
    <Primitive.span data-oai-status-badge="" data-state={status} {...props} ref={ref} />
  ),
)
RunStatusBadgeRoot.displayName = 'RunStatusBadge.Root'

/** Props of `RunStatusBadge.Indicator`. */
export type RunStatusBadgeIndicatorProps = PrimitiveProps<'span'>

/** A decorative dot (hidden from assistive technology; the label carries the meaning). */
export const RunStatusBadgeIndicator = forwardRef<HTMLSpanElement, RunStatusBadgeIndicatorProps>(
  (props, ref) => <Primitive.span data-oai-status-indicator="" aria-hidden="true" {...props} ref={ref} />,
)
RunStatusBadgeIndicator.displayName = 'RunStatusBadge.Indicator'

/** Props of `RunStatusBadge.Label`. */
export type RunStatusBadgeLabelProps = PrimitiveProps<'span'> & { status: RunStatus | (string & {}) }

/** The human label of the status, e.g. "Requires action". */
export const RunStatusBadgeLabel = forwardRef<HTMLSpanElement, RunStatusBadgeLabelProps>(
  ({ status, children, ...props }, ref) => (
    <Primitive.span data-oai-status-label="" {...props} ref={ref}>
      {children ?? statusLabel(status)}
    </Primitive.span>
  ),
)
RunStatusBadgeLabel.displayName = 'RunStatusBadge.Label'

/** Props of `RunStatusBadge`. */
export type RunStatusBadgeProps = RunStatusBadgeRootProps

// Memoised: a streaming run re-renders its viewer every frame, and this part only when its props change.
const RunStatusBadgeComposite = memo(
  forwardRef<HTMLSpanElement, RunStatusBadgeProps>(function RunStatusBadgeComposite(
    { status, children, ...props },
    ref,
  ) {
    return (
      <RunStatusBadgeRoot status={status} {...props} ref={ref}>
        <RunStatusBadgeIndicator />
        <RunStatusBadgeLabel status={status}>{children}</RunStatusBadgeLabel>
      </RunStatusBadgeRoot>
    )
  }),
)

/**
 * Shows a run status ("In progress", "Requires action", …) with `data-state` for styling.
 * @example
 * <RunStatusBadge status={run.status} />
 */
export const RunStatusBadge = Object.assign(RunStatusBadgeComposite, {
  Root: RunStatusBadgeRoot,
  Indicator: RunStatusBadgeIndicator,
  Label: RunStatusBadgeLabel,
})
