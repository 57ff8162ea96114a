export type {
  RunListItemProps,
  RunListListProps,
  RunListLoadMoreProps,
  RunListProps,
  RunListRootProps,
  RunListTriggerProps,
} from './RunList'
export { RunList, RunListItem, RunListList, RunListLoadMore, RunListRoot, RunListTrigger } from './RunList'
