export type {
  RunTimelineAnnouncerProps,
  RunTimelineCountdownProps,
  RunTimelineErrorProps,
  RunTimelineHeaderProps,
  RunTimelineListProps,
  RunTimelineProps,
  RunTimelineRootProps,
  RunTimelineTransitionProps,
  RunTimelineUsageProps,
} from './RunTimeline'
export {
  RunTimeline,
  RunTimelineAnnouncer,
  RunTimelineCountdown,
  RunTimelineError,
  RunTimelineHeader,
  RunTimelineList,
  RunTimelineRoot,
  RunTimelineTransition,
  RunTimelineUsage,
  useObservedTransitions,
} from './RunTimeline'
export type { RunTransition } from './transitions'
export { deriveTransitions } from './transitions'
