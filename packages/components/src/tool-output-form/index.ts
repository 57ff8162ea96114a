export type { SubmitFailure } from './errors.ts'
export { classifySubmitError } from './errors.ts'
export { checkSchema } from './json-schema.ts'
export type {
  ToolApprovalFormArgumentsProps,
  ToolApprovalFormChoiceProps,
  ToolApprovalFormFieldProps,
  ToolApprovalFormLegendProps,
  ToolApprovalFormNoticeProps,
  ToolApprovalFormProps,
  ToolApprovalFormRootProps,
  ToolApprovalFormState,
  ToolApprovalFormSubmitProps,
  ToolApprovalValues,
} from './ToolApprovalForm.tsx'
export {
  approvalCallName,
  ToolApprovalForm,
  ToolApprovalFormArguments,
  ToolApprovalFormChoice,
  ToolApprovalFormField,
  ToolApprovalFormLegend,
  ToolApprovalFormNotice,
  ToolApprovalFormRoot,
  ToolApprovalFormSubmit,
} from './ToolApprovalForm.tsx'
export type {
  ToolOutputFormArgumentsProps,
  ToolOutputFormCopyProps,
  ToolOutputFormCountdownProps,
  ToolOutputFormErrorProps,
  ToolOutputFormFieldProps,
  ToolOutputFormInputProps,
  ToolOutputFormLabelProps,
  ToolOutputFormLegendProps,
  ToolOutputFormModeProps,
  ToolOutputFormNoticeProps,
  ToolOutputFormProps,
  ToolOutputFormRestartProps,
  ToolOutputFormRootProps,
  ToolOutputFormRunToolsProps,
  ToolOutputFormState,
  ToolOutputFormSubmitProps,
  ToolOutputMode,
  ToolOutputValues,
} from './ToolOutputForm.tsx'
export {
  ToolOutputForm,
  ToolOutputFormArguments,
  ToolOutputFormCopy,
  ToolOutputFormCountdown,
  ToolOutputFormError,
  ToolOutputFormField,
  ToolOutputFormInput,
  ToolOutputFormLabel,
  ToolOutputFormLegend,
  ToolOutputFormMode,
  ToolOutputFormNotice,
  ToolOutputFormRestart,
  ToolOutputFormRoot,
  ToolOutputFormRunTools,
  ToolOutputFormSubmit,
} from './ToolOutputForm.tsx'
export type {
  ToolHandler,
  ToolOutputFieldState,
  ToolOutputNotice,
  UseToolOutputFormProps,
  UseToolOutputFormResult,
} from './types.ts'
export { useToolOutputForm } from './use-tool-output-form.ts'
