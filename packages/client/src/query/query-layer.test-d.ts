// Types of the query layer with query-core alone (checked by `pnpm typecheck`): the factories type the observers,
// fetchQuery/prefetchQuery and getQueryData as react-query's option helpers would, with no React types involved.
import {
  type InfiniteData,
  InfiniteQueryObserver,
  MutationObserver,
  type QueryClient,
  QueryObserver,
} from '@tanstack/query-core'
import { describe, expectTypeOf, test } from 'vitest'
import type { Message, OaiRunsError, Run, RunIds } from '../core/index.ts'
import {
  createRunStreamController,
  type ListData,
  type ListPage,
  type RunStreamState,
  type RunsClient,
  runMutations,
  runQueries,
} from './index.ts'

declare const client: RunsClient
declare const queryClient: QueryClient
const ids = { threadId: 'thread_1', runId: 'run_1' }

describe('the query layer types flow without React', () => {
  test('observers take the factories and are typed by them', () => {
    const run = new QueryObserver(queryClient, runQueries.run(client, ids)).getCurrentResult()
    expectTypeOf(run.data).toEqualTypeOf<Run | undefined>()
    expectTypeOf(run.error).toEqualTypeOf<OaiRunsError | null>()
    const messages = new InfiniteQueryObserver(
      queryClient,
      runQueries.messages(client, { threadId: 't' }),
    ).getCurrentResult()
    expectTypeOf(messages.data).toEqualTypeOf<ListData<Message> | undefined>()
  })

  test('fetchQuery, prefetchQuery and getQueryData are typed by the factories and their tagged keys', () => {
    expectTypeOf(queryClient.fetchQuery(runQueries.run(client, ids))).resolves.toEqualTypeOf<Run>()
    expectTypeOf(queryClient.prefetchQuery(runQueries.run(client, ids))).resolves.toEqualTypeOf<void>()
    expectTypeOf(queryClient.getQueryData(runQueries.run(client, ids).queryKey)).toEqualTypeOf<
      Run | undefined
    >()
    expectTypeOf(
      queryClient.getQueryData(runQueries.messages(client, { threadId: 't' }).queryKey),
    ).toEqualTypeOf<InfiniteData<ListPage<Message>, unknown> | undefined>()
  })

  test('a MutationObserver takes a mutation factory: ids in, a Run out', () => {
    const cancel = new MutationObserver(queryClient, runMutations.cancel(client))
    expectTypeOf(cancel.mutate).parameter(0).toEqualTypeOf<RunIds>()
    expectTypeOf(cancel.mutate).returns.resolves.toEqualTypeOf<Run>()
    expectTypeOf(cancel.getCurrentResult().error).toEqualTypeOf<OaiRunsError | null>()
  })

  test('the controller is a store: subscribe and getState', () => {
    const controller = createRunStreamController({ client, queryClient })
    expectTypeOf(controller.getState).returns.toEqualTypeOf<RunStreamState>()
    expectTypeOf(controller.subscribe).returns.toEqualTypeOf<() => void>()
    expectTypeOf(controller.resumeThread).returns.toEqualTypeOf<() => void>()
    // @ts-expect-error streaming is the controller's job: the body has no `stream` flag
    void controller.create('t', { assistant_id: 'a', stream: true })
  })
})
