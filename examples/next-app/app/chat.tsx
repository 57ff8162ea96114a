'use client'
import { useRunStream, useThreadMessages } from '@oai-runs/client/react'
import { ConnectedRunViewer, MessageContent } from '@oai-runs/components'
import { type FormEvent, useState } from 'react'

export function Chat({ threadId, firstRunId }: { threadId: string; firstRunId: string }) {
  const messages = useThreadMessages({ threadId }, { order: 'asc' })
  const stream = useRunStream({ threadId, resume: false })
  const [text, setText] = useState('Hello from the browser')
  const runId = stream.runId ?? firstRunId

  const send = (event: FormEvent) => {
    event.preventDefault()
    stream
      .create({ assistant_id: 'asst_demo', additional_messages: [{ role: 'user', content: text }] })
      .catch(() => {}) // shown through stream.error
  }

  return (
    <>
      <ol aria-label="Messages">
        {(messages.data?.pages.flatMap((page) => page.data) ?? []).map((message) => (
          <li key={message.id} data-role={message.role}>
            <MessageContent message={message} />
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <label>
          Message <input value={text} onChange={(event) => setText(event.target.value)} />
        </label>
        <button type="submit" disabled={stream.status === 'streaming'}>
          Send
        </button>
      </form>
      <p>
        Stream: <output data-testid="stream-status">{stream.status}</output>
      </p>
      {stream.error ? <p role="alert">{stream.error.message}</p> : null}
      <ConnectedRunViewer threadId={threadId} runId={runId} />
    </>
  )
}
