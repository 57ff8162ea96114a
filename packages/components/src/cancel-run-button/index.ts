export type {
  CancelRunButtonButtonProps,
  CancelRunButtonProps,
  CancelRunButtonState,
  CancelRunButtonStatusProps,
} from './CancelRunButton.tsx'
export {
  CancelRunButton,
  CancelRunButtonButton,
  CancelRunButtonStatus,
  cancelButtonState,
} from './CancelRunButton.tsx'
