export type {
  RunStepDetailsProps,
  RunStepErrorProps,
  RunStepProps,
  RunStepRootProps,
  RunStepTimeProps,
  RunStepTitleProps,
  RunStepUsageProps,
} from './RunStep.tsx'
export {
  RunStep,
  RunStepDetails,
  RunStepError,
  RunStepRoot,
  RunStepTime,
  RunStepTitle,
  RunStepUsage,
  stepTitle,
} from './RunStep.tsx'
export type {
  RunStepListEmptyProps,
  RunStepListListProps,
  RunStepListLoadMoreProps,
  RunStepListProps,
  RunStepListRootProps,
} from './RunStepList.tsx'
export {
  RunStepList,
  RunStepListEmpty,
  RunStepListList,
  RunStepListLoadMore,
  RunStepListRoot,
  sortSteps,
} from './RunStepList.tsx'
