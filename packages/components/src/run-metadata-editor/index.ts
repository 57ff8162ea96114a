export type { MetadataPair } from './metadata.ts'
export { fromPairs, METADATA_LIMITS, toPairs, validatePairs } from './metadata.ts'
export type {
  RunMetadataEditorAddProps,
  RunMetadataEditorMessageProps,
  RunMetadataEditorProps,
  RunMetadataEditorRootProps,
  RunMetadataEditorRowProps,
  RunMetadataEditorSaveProps,
} from './RunMetadataEditor.tsx'
export {
  RunMetadataEditor,
  RunMetadataEditorAdd,
  RunMetadataEditorMessage,
  RunMetadataEditorRoot,
  RunMetadataEditorRow,
  RunMetadataEditorSave,
} from './RunMetadataEditor.tsx'
