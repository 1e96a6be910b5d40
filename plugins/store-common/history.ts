// A history row (the event log's) as both stores write it: message, time, status, detail and target.
import type { StatusChange } from 'nowsms';
import type { ChangeRecord } from './changes.ts';
import type { Value } from './commit-rows.ts';

/** The target_kind and target_id columns of a history row. */
export function targetColumns(target: StatusChange['target']): [Value, Value] {
  if (!target) return [null, null];
  return target.kind === 'mailbox' ? ['mailbox', target.user] : [target.kind, target.id];
}

export function historyRow(r: ChangeRecord): Value[] {
  return [r.messageId, r.at, r.status, r.detail, ...targetColumns(r.target)];
}
