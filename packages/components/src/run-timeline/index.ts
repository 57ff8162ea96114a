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
} from './RunTimeline.tsx'
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
} from './RunTimeline.tsx'
export type { RunTransition } from './transitions.ts'
export { deriveTransitions } from './transitions.ts'
