export type { MetadataPair } from './metadata'
export { fromPairs, METADATA_LIMITS, toPairs, validatePairs } from './metadata'
export type {
  RunMetadataEditorAddProps,
  RunMetadataEditorMessageProps,
  RunMetadataEditorProps,
  RunMetadataEditorRootProps,
  RunMetadataEditorRowProps,
  RunMetadataEditorSaveProps,
} from './RunMetadataEditor'
export {
  RunMetadataEditor,
  RunMetadataEditorAdd,
  RunMetadataEditorMessage,
  RunMetadataEditorRoot,
  RunMetadataEditorRow,
  RunMetadataEditorSave,
} from './RunMetadataEditor'
