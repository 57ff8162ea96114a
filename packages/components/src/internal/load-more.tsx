// The "load more" button of the infinite lists (RunList, RunStepList): `aria-disabled` (still focusable) while
// loading, clicks ignored meanwhile, and a default label per list.
import { forwardRef } from 'react'
import { Primitive, type PrimitiveProps } from './primitive'

/** Props of a list's `LoadMore` part. */
export type LoadMoreProps = PrimitiveProps<'button'> & { loading?: boolean | undefined }

/** Builds a list's `LoadMore` part with its default labels. */
export function createLoadMore(labels: { idle: string; loading: string }, displayName: string) {
  const LoadMore = forwardRef<HTMLButtonElement, LoadMoreProps>(
    ({ loading, onClick, children, ...props }, ref) => (
      <Primitive.button
        type="button"
        data-oai-load-more=""
        data-state={loading ? 'loading' : 'idle'}
        aria-disabled={loading || undefined}
        onClick={(event) => {
          if (!loading) {
            onClick?.(event)
          }
        }}
        {...props}
        ref={ref}
      >
        {children ?? (loading ? labels.loading : labels.idle)}
      </Primitive.button>
    ),
  )
  LoadMore.displayName = displayName
  return LoadMore
}
