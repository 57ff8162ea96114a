// client.steps: list and retrieve the steps of a run, with `include[]` (file search result content).
import { type ApiPromise, apiPromise, type PagePromise, pagePromise } from './pagination.ts'
import type { RunIds } from './runs.ts'
import { type CallOptions, callFields, type Transport } from './transport.ts'
import type { ListParams, ListResponse, RunStep, RunStepInclude } from './types.ts'
import { pathId } from './validate.ts'

/** Identifies a step of a run. */
export type StepIds = RunIds & { stepId: string }

/** The query of `steps.list`: cursor fields plus `include` (sent as `include[]`). */
export type ListStepsQuery = ListParams & { include?: RunStepInclude[] | undefined }

/** The query of `steps.retrieve`. */
export type RetrieveStepQuery = { include?: RunStepInclude[] | undefined }

/** The `client.steps` resource. */
export type StepsResource = {
  /** Lists the steps of a run; await for a page or `for await` every step. */
  list(ids: RunIds, query?: ListStepsQuery, options?: CallOptions): PagePromise<RunStep>
  /** Fetches one step of a run. */
  retrieve(ids: StepIds, query?: RetrieveStepQuery, options?: CallOptions): ApiPromise<RunStep>
}

const stepsPath = (ids: RunIds) =>
  `/threads/${pathId(ids?.threadId, 'threadId')}/runs/${pathId(ids?.runId, 'runId')}/steps`

/** Creates `client.steps` over a transport. */
export function createSteps(transport: Transport): StepsResource {
  return {
    list(ids, query = {}, options) {
      return pagePromise(query, (pageQuery) =>
        transport.request<ListResponse<RunStep>>({
          method: 'GET',
          path: stepsPath(ids),
          query: pageQuery,
          ...callFields(options),
        }),
      )
    },
    retrieve(ids, query = {}, options) {
      return apiPromise(() =>
        transport.request<RunStep>({
          method: 'GET',
          path: `${stepsPath(ids)}/${pathId(ids?.stepId, 'stepId')}`,
          query: { include: query.include },
          ...callFields(options),
        }),
      )
    },
  }
}
