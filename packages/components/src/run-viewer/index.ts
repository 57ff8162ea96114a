export type { RunViewerProps } from './RunViewer'
export { RunViewer } from './RunViewer'
