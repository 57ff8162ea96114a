export type {
  RunListItemProps,
  RunListListProps,
  RunListLoadMoreProps,
  RunListProps,
  RunListRootProps,
  RunListTriggerProps,
} from './RunList.tsx'
export {
  RunList,
  RunListItem,
  RunListList,
  RunListLoadMore,
  RunListRoot,
  RunListTrigger,
} from './RunList.tsx'
