// Run status predicates that accept unknown future statuses (checklist C7).

/** True for statuses in which a run can still be cancelled. */
export function isActiveStatus(status: string): boolean {
  return status === 'queued' || status === 'in_progress' || status === 'requires_action'
}
