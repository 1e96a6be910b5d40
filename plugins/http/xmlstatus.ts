// /admin/xmlstatus: NowSMS's XML status page, with its element names, for monitoring scripts written
// against NowSMS: one SMSCStatus per connection, the sent and received counters, the outbound queue.
import type { ConnectionStatus, PluginApi, Traffic } from 'nowsms';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const DAY = 86_400_000;

/** NowSMS's words for a connection's state. */
function statusWord(s: ConnectionStatus): string {
  if (s.state === 'up') return 'OK';
  if (s.state === 'retrying' || s.state === 'starting') return 'Retry';
  return 'Error';
}

function startOfToday(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export async function xmlStatus(api: PluginApi, now = new Date()): Promise<string> {
  const { stores } = api;
  const empty: Traffic = { sent: {}, received: {} };
  const count = (since: Date) => (stores.messages.traffic ? stores.messages.traffic(since) : Promise.resolve(empty));
  const [today, week, month, queues] = await Promise.all([
    count(startOfToday(now)),
    count(new Date(now.getTime() - 7 * DAY)),
    count(new Date(now.getTime() - 30 * DAY)),
    stores.queues.counts(),
  ]);
  const statuses = api.connectionStatus();
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<NowSMSStatus>'];
  // NowSMS lists its SMSC connections: the links that send, not the servers (SMTP, this one).
  for (const [id, s] of Object.entries(statuses).filter(([, s]) => s.outbound)) {
    lines.push(
      '<SMSCStatus>',
      `<Name>${esc(id)}</Name>`,
      `<Status>${statusWord(s)}</Status>`,
      `<StatusDetail>${esc(s.detail ?? s.state)}</StatusDetail>`,
      `<MessagesToday>${today.sent[id] ?? 0}</MessagesToday>`,
      `<MessagesLast7Days>${week.sent[id] ?? 0}</MessagesLast7Days>`,
      `<MessagesLast30Days>${month.sent[id] ?? 0}</MessagesLast30Days>`,
      `<MessagesPending>${(queues[id]?.queued ?? 0) + (queues[id]?.retrying ?? 0)}</MessagesPending>`,
      '</SMSCStatus>',
    );
  }
  const pending = Object.values(queues).reduce((a, q) => a + q.queued + q.retrying, 0);
  lines.push(
    '<SMSSent>',
    `<Today>${sum(today.sent)}</Today>`,
    `<Last7Days>${sum(week.sent)}</Last7Days>`,
    `<Last30Days>${sum(month.sent)}</Last30Days>`,
    '</SMSSent>',
    '<SMSReceived>',
    `<Today>${sum(today.received)}</Today>`,
    `<Last7Days>${sum(week.received)}</Last7Days>`,
    `<Last30Days>${sum(month.received)}</Last30Days>`,
    '</SMSReceived>',
    `<SMSOUTQ>${pending}</SMSOUTQ>`,
    '</NowSMSStatus>',
    '',
  );
  return lines.join('\n');
}
