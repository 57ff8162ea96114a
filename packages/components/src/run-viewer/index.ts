export type { RunViewerProps } from './RunViewer.tsx'
export { RunViewer } from './RunViewer.tsx'
