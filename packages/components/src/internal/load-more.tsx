// The "load more" button of the infinite lists (RunList, RunStepList): `aria-disabled` (still focusable) while
// loading, clicks ignored meanwhile, and a default label per list.
import type { Ref } from 'react'
import { Primitive, type PrimitiveProps } from './primitive.tsx'

/** Props of a list's `LoadMore` part. */
export type LoadMoreProps = PrimitiveProps<'button'> & { loading?: boolean | undefined }

/** The shared button behind each list's `LoadMore` part. */
export function LoadMoreButton({
  loading,
  onClick,
  children,
  labels,
  buttonRef,
  ...props
}: LoadMoreProps & { labels: { idle: string; loading: string }; buttonRef: Ref<HTMLButtonElement> }) {
  return (
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
      ref={buttonRef}
    >
      {children ?? (loading ? labels.loading : labels.idle)}
    </Primitive.button>
  )
}
