export type {
  MessageContentAnnouncerProps,
  MessageContentFootnotesProps,
  MessageContentImageProps,
  MessageContentOptions,
  MessageContentProps,
  MessageContentRefusalProps,
  MessageContentRootProps,
  MessageContentStatus,
  MessageContentTextProps,
} from './MessageContent'
export {
  MessageContent,
  MessageContentAnnouncer,
  MessageContentFootnotes,
  MessageContentImage,
  MessageContentRefusal,
  MessageContentRoot,
  MessageContentText,
} from './MessageContent'
export type { BlockNode, InlineNode, ParseOptions } from './markdown'
export { parseMarkdown } from './markdown'
export type { ImagePolicy } from './safe-url'
export { imagePolicy, safeLinkHref } from './safe-url'
