export type {
  RunStepDetailsProps,
  RunStepErrorProps,
  RunStepProps,
  RunStepRootProps,
  RunStepTimeProps,
  RunStepTitleProps,
  RunStepUsageProps,
} from './RunStep'
export {
  RunStep,
  RunStepDetails,
  RunStepError,
  RunStepRoot,
  RunStepTime,
  RunStepTitle,
  RunStepUsage,
  stepTitle,
} from './RunStep'
export type {
  RunStepListEmptyProps,
  RunStepListListProps,
  RunStepListLoadMoreProps,
  RunStepListProps,
  RunStepListRootProps,
} from './RunStepList'
export {
  RunStepList,
  RunStepListEmpty,
  RunStepListList,
  RunStepListLoadMore,
  RunStepListRoot,
  sortSteps,
} from './RunStepList'
