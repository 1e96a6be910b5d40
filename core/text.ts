// The text of a message: its text/plain parts joined.
import type { Message } from './types.ts';

export function textOf(message: Pick<Message, 'parts'>): string {
  return message.parts
    .filter((p) => /^text\/plain\b/i.test(p.contentType))
    .map((p) => p.data.toString('utf8'))
    .join('\n');
}
