export type {
  RunStatusBadgeIndicatorProps,
  RunStatusBadgeLabelProps,
  RunStatusBadgeProps,
  RunStatusBadgeRootProps,
} from './RunStatusBadge'
export {
  RunStatusBadge,
  RunStatusBadgeIndicator,
  RunStatusBadgeLabel,
  RunStatusBadgeRoot,
} from './RunStatusBadge'
