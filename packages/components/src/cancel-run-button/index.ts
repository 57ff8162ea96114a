export type {
  CancelRunButtonButtonProps,
  CancelRunButtonProps,
  CancelRunButtonState,
  CancelRunButtonStatusProps,
} from './CancelRunButton'
export {
  CancelRunButton,
  CancelRunButtonButton,
  CancelRunButtonStatus,
  cancelButtonState,
} from './CancelRunButton'
