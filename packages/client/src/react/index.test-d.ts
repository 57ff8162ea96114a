import type { InfiniteData, QueryClient } from '@tanstack/react-query'
import { describe, expectTypeOf, test } from 'vitest'
import type { Message, OaiRunsError, OpenAIFile, Run, RunStep } from '../core/index.ts'
import {
  fileQueries,
  type IfBusy,
  type ListPage,
  type QueuedRun,
  QueuedRunDroppedError,
  type RunStreamCreateBody,
  type RunStreamStatus,
  type RunsClient,
  runMutations,
  runQueries,
  type UnsentRun,
  useCancelRun,
  useFile,
  useRun,
  useRunStep,
  useRunSteps,
  useRunStream,
  useSubmitToolOutputs,
  useThreadMessages,
} from './index.ts'

declare const client: RunsClient
declare const queryClient: QueryClient
const ids = { threadId: 'thread_1', runId: 'run_1' }

describe('types flow from the factories', () => {
  test('useRun data is a Run and its error our error family', () => {
    const result = useRun(ids)
    expectTypeOf(result.data).toEqualTypeOf<Run | undefined>()
    expectTypeOf(result.error).toEqualTypeOf<OaiRunsError | null>()
  })

  test('list hooks page ListPage data with a string cursor', () => {
    expectTypeOf(useRunSteps(ids).data).toEqualTypeOf<
      InfiniteData<ListPage<RunStep>, string | undefined> | undefined
    >()
    expectTypeOf(useThreadMessages({ threadId: 't' }).data?.pages[0]?.data).toEqualTypeOf<
      Message[] | undefined
    >()
    expectTypeOf(useRunStep({ ...ids, stepId: 's' }).data).toEqualTypeOf<RunStep | undefined>()
  })

  test('useFile and fileQueries.file give an OpenAIFile', () => {
    expectTypeOf(useFile('file-1').data).toEqualTypeOf<OpenAIFile | undefined>()
    expectTypeOf(useFile('file-1').error).toEqualTypeOf<OaiRunsError | null>()
    expectTypeOf(queryClient.getQueryData(fileQueries.file(client, 'file-1').queryKey)).toEqualTypeOf<
      OpenAIFile | undefined
    >()
  })

  test('getQueryData is typed by the tagged key', () => {
    expectTypeOf(queryClient.getQueryData(runQueries.run(client, ids).queryKey)).toEqualTypeOf<
      Run | undefined
    >()
    expectTypeOf(
      queryClient.getQueryData(runQueries.messages(client, { threadId: 't' }).queryKey),
    ).toEqualTypeOf<InfiniteData<ListPage<Message>, unknown> | undefined>()
  })

  test('mutations return the Run, fail with our errors and take ids plus a body', () => {
    const cancel = useCancelRun()
    expectTypeOf(cancel.data).toEqualTypeOf<Run | undefined>()
    expectTypeOf(cancel.error).toEqualTypeOf<OaiRunsError | null>()
    expectTypeOf(cancel.mutate).parameter(0).toEqualTypeOf<{ threadId: string; runId: string }>()
    expectTypeOf(useSubmitToolOutputs().mutateAsync).returns.resolves.toEqualTypeOf<Run>()
    expectTypeOf(runMutations.modify(client).mutationKey).toMatchTypeOf<readonly unknown[]>()
  })

  test('useRunStream exposes its lifecycle, the run and the actions', () => {
    const stream = useRunStream({ threadId: 't' })
    expectTypeOf(stream.status).toEqualTypeOf<RunStreamStatus>()
    expectTypeOf(stream.run).toEqualTypeOf<Run | null>()
    expectTypeOf(stream.runStatus).toEqualTypeOf<Run['status'] | null>()
    expectTypeOf(stream.abort).toEqualTypeOf<() => void>()
    expectTypeOf(stream.cancel).returns.toEqualTypeOf<Promise<void>>()
    // @ts-expect-error streaming is the hook's job: the body has no `stream` flag
    void stream.create({ assistant_id: 'a', stream: true })
  })

  test('useRunStream follow-ups: ifBusy per hook or per call, the queue as state, dequeue', () => {
    const stream = useRunStream({ threadId: 't', ifBusy: 'queue' })
    expectTypeOf(stream.queued).toEqualTypeOf<readonly QueuedRun[]>()
    expectTypeOf(stream.queued[0]!.body).toEqualTypeOf<RunStreamCreateBody>()
    expectTypeOf(stream.unsent).toEqualTypeOf<readonly UnsentRun[]>()
    expectTypeOf(stream.unsent[0]!.error).toEqualTypeOf<Error>()
    expectTypeOf(stream.dequeue).toEqualTypeOf<(id: string) => void>()
    expectTypeOf(stream.create).returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf<IfBusy>().toEqualTypeOf<'throw' | 'queue' | 'cancel'>()
    void stream.create({ assistant_id: 'a' }, { ifBusy: 'cancel' })
    void stream.create({ assistant_id: 'a' }, { threadId: 't' }) // the second parameter as it was
    // @ts-expect-error not a policy
    void stream.create({ assistant_id: 'a' }, { ifBusy: 'wait' })
    // @ts-expect-error not a policy
    useRunStream({ ifBusy: 'later' })
    expectTypeOf(
      new QueuedRunDroppedError({ id: 'q', threadId: 't', body: { assistant_id: 'a' } }, 'aborted'),
    ).toMatchTypeOf<OaiRunsError>()
    expectTypeOf<QueuedRunDroppedError['reason']>().toEqualTypeOf<
      'dequeued' | 'thread_switched' | 'unmounted' | 'aborted'
    >()
    expectTypeOf<QueuedRunDroppedError['queued']>().toEqualTypeOf<QueuedRun>()
  })
})
