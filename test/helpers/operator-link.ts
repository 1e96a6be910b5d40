// A plug-in for tests of the admin interface with the gateway as a process: outbound connections that a
// test drives through the plug-in's own admin commands (so it is also a third-party plug-in adding commands
// and a stream topic through the public API). A message whose text contains "fail" fails temporarily on
// its first attempt. It stands in for an operator link only to exercise the core's queue and admin logic.
import { z } from 'zod';
import { definePlugin, type Connection, type ConnectionState, type NowsmsPlugin, type QueueEntry } from '../../core/index.ts';

export interface LinkOptions {
  id: string;
  recipients?: string[];
  anyTraffic?: boolean;
  /** The state at start (default up). */
  state?: ConnectionState;
}

export function operatorLinks(links: LinkOptions[]): NowsmsPlugin {
  const conns = new Map<string, { conn: Connection; state: ConnectionState; sent: string[] }>();
  let floods = 0;
  return definePlugin({
    name: 'links',
    setup(api) {
      for (const o of links) {
        const link: { state: ConnectionState; sent: string[]; conn: Connection } = {
          state: 'stopped',
          sent: [],
          conn: {
            id: o.id,
            kind: 'test-link',
            ...(o.recipients ? { recipients: [...o.recipients] } : {}),
            ...(o.anyTraffic ? { anyTraffic: true } : {}),
            start: async () => {
              link.state = o.state ?? 'up';
            },
            stop: async () => {
              link.state = 'stopped';
            },
            status: () => ({ state: link.state, counters: { sends: link.sent.length } }),
            send: async (entry: QueueEntry) => {
              const text = entry.message.parts.map((p) => p.data.toString('utf8')).join('');
              if (text.includes('fail') && entry.attempts === 0) throw new Error('scripted temporary failure');
              link.sent.push(entry.messageId);
              return { remoteIds: [`r-${entry.messageId}`] };
            },
          },
        };
        conns.set(o.id, link);
        api.connection(link.conn);
      }
      const pick = (id: string) => {
        const l = conns.get(id);
        if (!l) throw Object.assign(new Error(`no link ${id}`), { code: 'NOWSMS_ERR_NOT_FOUND' });
        return l;
      };
      api.adminCommand({
        name: 'state',
        description: "set a link's state",
        request: z.strictObject({ link: z.string(), state: z.enum(['up', 'down', 'retrying']) }),
        handler: ({ link, state }: { link: string; state: ConnectionState }) => {
          pick(link).state = state;
          return { link, state };
        },
      });
      api.adminCommand({
        name: 'recipients',
        description: "replace a link's recipient masks (an operator changing its routing)",
        request: z.strictObject({ link: z.string(), masks: z.array(z.string()) }),
        handler: ({ link, masks }: { link: string; masks: string[] }) => {
          pick(link).conn.recipients = masks;
          return { link, masks };
        },
      });
      api.adminCommand({
        name: 'sent',
        description: 'the message ids a link has sent',
        request: z.strictObject({ link: z.string() }),
        handler: ({ link }: { link: string }) => pick(link).sent,
      });
      api.adminCommand({
        name: 'floods',
        description: 'how many flood subscriptions are open',
        request: z.strictObject({}),
        handler: () => ({ open: floods }),
      });
      // A topic that pushes 4 KiB events every millisecond for as long as someone is subscribed.
      api.adminTopic({
        topic: 'flood',
        description: 'a firehose, for backpressure tests',
        subscribe: (_from, push) => {
          floods++;
          const payload = 'x'.repeat(4096);
          let n = 0;
          const timer = setInterval(() => {
            for (let i = 0; i < 8; i++) push({ n: n++, payload });
          }, 1);
          return () => {
            floods--;
            clearInterval(timer);
          };
        },
      });
    },
  });
}
