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
} from './MessageContent.tsx'
export {
  MessageContent,
  MessageContentAnnouncer,
  MessageContentFootnotes,
  MessageContentImage,
  MessageContentRefusal,
  MessageContentRoot,
  MessageContentText,
} from './MessageContent.tsx'
export type { BlockNode, InlineNode, ParseOptions } from './markdown.ts'
export { parseMarkdown } from './markdown.ts'
export type { ImagePolicy } from './safe-url.ts'
export { imagePolicy, safeLinkHref } from './safe-url.ts'
