export type {
  RunStatusBadgeIndicatorProps,
  RunStatusBadgeLabelProps,
  RunStatusBadgeProps,
  RunStatusBadgeRootProps,
} from './RunStatusBadge.tsx'
export {
  RunStatusBadge,
  RunStatusBadgeIndicator,
  RunStatusBadgeLabel,
  RunStatusBadgeRoot,
} from './RunStatusBadge.tsx'
