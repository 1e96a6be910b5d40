// A received MMS whose subject carries "(FM: user)" is a phone's reply to an MMS that user sent: it goes to
// the user's mailbox, ahead of the connection's route-to user and every route hook (it is the most specific
// thing known about where the reply belongs). The marker is taken out of the subject the user sees and kept
// in meta.senderMarker. A marker that names no user is ignored: the subject stays as it came.
import type { Message, UserStore } from '../types.ts';
import { findSenderMarker } from './sender-marker.ts';

export async function replyRoute(message: Message, users: UserStore): Promise<{ kind: 'mailbox'; user: string } | undefined> {
  if (message.direction !== 'MO' || message.kind !== 'mms') return undefined;
  const found = findSenderMarker(message.subject);
  if (!found) return undefined;
  const user = await users.get(found.user);
  if (!user || user.removed) return undefined;
  if (found.subject) message.subject = found.subject;
  else delete message.subject;
  message.meta = { ...message.meta, senderMarker: user.name };
  return { kind: 'mailbox', user: user.name };
}
