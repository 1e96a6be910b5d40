// The DATA stream into memory, up to the size limit. Past the limit the rest is read and dropped: the
// client must be allowed to finish sending before it can hear the 552.
import type { Readable } from 'node:stream';

export async function readLimited(stream: Readable, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
    else chunks.length = 0;
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks, size);
}
