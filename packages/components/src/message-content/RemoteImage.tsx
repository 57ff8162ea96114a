'use client'
import { useState } from 'react'
import { imagePolicy } from './safe-url.ts'

/** Props of `RemoteImage`. */
export type RemoteImageProps = { src: string; alt: string; allowedOrigins?: readonly string[] | undefined }

/** A model-supplied image: loads at once only from an allowlisted origin, otherwise after a click (R3). */
export function RemoteImage({ src, alt, allowedOrigins }: RemoteImageProps) {
  const policy = imagePolicy(src, allowedOrigins)
  const [loaded, setLoaded] = useState(false)
  if (policy.kind === 'blocked') {
    return (
      <span data-oai-image="" data-state="blocked">
        [image not shown
        {alt ? (
          <>
            : <bdi>{alt}</bdi>
          </>
        ) : null}
        ]
      </span>
    )
  }
  if (policy.kind === 'allowed' || loaded) {
    return (
      <img data-oai-image="" data-state="loaded" src={policy.src} alt={alt} referrerPolicy="no-referrer" />
    )
  }
  return (
    <button
      type="button"
      data-oai-image=""
      data-state="click-to-load"
      // The visible text with its parts isolated; the name is the same text, whatever a DOM makes of <bdi>.
      aria-label={`Load image${alt ? ` “${alt}”` : ''} from ${policy.host}`}
      onClick={() => setLoaded(true)}
    >
      Load image
      {alt ? (
        <>
          {' '}
          “<bdi>{alt}</bdi>”
        </>
      ) : null}{' '}
      from <bdi>{policy.host}</bdi>
    </button>
  )
}
