export type {
  RunStepDetailsProps,
  RunStepErrorProps,
  RunStepMessageProps,
  RunStepProps,
  RunStepRootProps,
  RunStepTimeProps,
  RunStepTitleProps,
  RunStepUsageProps,
  StepMessageDisplay,
} from './RunStep.tsx'
export {
  RunStep,
  RunStepDetails,
  RunStepError,
  RunStepMessage,
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
