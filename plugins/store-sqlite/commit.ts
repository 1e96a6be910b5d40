// One accepted submission, inside the writer's transaction: the charge, then each message with its
// parts, its route (mailbox row or queue row) and its first status.
import { NowsmsError, type CommitItem, type MessageStatus, type UsageCharge } from '../../core/index.ts';
import { applyCharge } from './charge.ts';
import type { Sql } from './sqlite.ts';
import { recordStatus } from './status.ts';

export async function commitItems(tx: Sql, items: CommitItem[], charge: UsageCharge | undefined): Promise<void> {
  const now = Date.now();
  if (charge) await applyCharge(tx, charge, new Date(now));
  for (const item of items) await commitItem(tx, item, now);
}

async function commitItem(tx: Sql, { message: m, target, consumesSegments }: CommitItem, now: number): Promise<void> {
  await tx.run(
    `INSERT INTO messages (id, direction, kind, from_addr, to_addr, subject, user_name, via, received_at, meta, status, target)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?)`,
    [
      m.id,
      m.direction,
      m.kind,
      m.from,
      m.to,
      m.subject,
      m.user,
      m.via,
      m.receivedAt.getTime(),
      JSON.stringify(m.meta ?? {}),
      target ? JSON.stringify(target) : null,
    ],
  );
  for (const [idx, p] of m.parts.entries()) {
    await tx.run('INSERT INTO parts (message_id, idx, content_type, name, content_id, data) VALUES (?, ?, ?, ?, ?, ?)', [
      m.id,
      idx,
      p.contentType,
      p.name,
      p.contentId,
      p.data,
    ]);
  }
  let status: MessageStatus;
  let detail: string | undefined;
  switch (target?.kind) {
    case 'mailbox':
      await tx.run('INSERT INTO mailbox (user_name, uid, message_id, added_at) VALUES (?, ?, ?, ?)', [target.user, m.id, m.id, now]);
      [status, detail] = ['in-mailbox', target.user];
      break;
    case 'connection':
      await tx.run('INSERT INTO queue (message_id, connection_id, attempts, next_attempt_at) VALUES (?, ?, 0, ?)', [m.id, target.id, now]);
      [status, detail] = ['queued', target.id];
      break;
    case undefined:
      // An MO that no route claimed is kept as received (and listed); it has nowhere to be sent.
      if (m.direction === 'MO') {
        [status, detail] = ['received', 'no route claimed it'];
        break;
      }
      // An MT no connection carries waits in the queue, visible, until assign() gives it one.
      await tx.run('INSERT INTO queue (message_id, connection_id, attempts, next_attempt_at) VALUES (?, NULL, 0, ?)', [m.id, now]);
      [status, detail] = ['no-route', undefined];
      break;
    case 'command':
      // The two-way plug-in runs the command later; the target column keeps which one.
      [status, detail] = ['received', target.id];
      break;
    default:
      throw new NowsmsError(
        'NOWSMS_ERR_STORE',
        `message ${m.id} has target ${JSON.stringify(target)}, which cannot be stored: a rejected message is not committed`,
      );
  }
  await recordStatus(tx, m.id, status, detail, now);
  if (consumesSegments !== undefined) await tx.run('DELETE FROM segments WHERE key = ?', [consumesSegments]);
}
