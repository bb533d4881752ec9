import {once} from 'node:events'

/** How much text is gathered before one write: few syscalls, little memory. */
const BATCH = 64 * 1024

/**
 * Writes text chunks to a stream as they come, waiting for 'drain' when the stream is full, so a
 * long report never sits whole in memory (not as objects, not as one string, not in the stream's
 * buffer).
 */
export async function writeChunks(chunks: Iterable<string>, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  let buffer = ''
  const flush = async () => {
    if (buffer === '') return
    const full = !stream.write(buffer)
    buffer = ''
    if (full) await once(stream, 'drain')
  }
  for (const chunk of chunks) {
    buffer += chunk
    if (buffer.length >= BATCH) await flush()
  }
  await flush()
}
