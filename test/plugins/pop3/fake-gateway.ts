// The POP3 engine on a real socket with a hand-made context: in-memory mailboxes, messages and logins.
// Only for the engine's unit tests; the integration tests use the real gateway.
import { createHash } from 'node:crypto';
import { silentLogger } from '../../../core/log.ts';
import type { MailboxEntry, MailboxStore, Message, StoredUser } from '../../../core/index.ts';
import { newCounters, type Pop3Context } from '../../../plugins/pop3/context.ts';
import { MailboxLocks } from '../../../plugins/pop3/locks.ts';
import { Pop3Server } from '../../../plugins/pop3/server.ts';

export interface FakeUser {
  name: string;
  password: string;
  smtpLogin?: boolean;
}

export function storedUser(u: FakeUser): StoredUser {
  return {
    name: u.name,
    smtpLogin: u.smtpLogin ?? true,
    smppLogin: false,
    receive: true,
    recipients: [],
    allowIps: [],
    source: 'config',
    credentials: { passwordHash: 'unused' },
  };
}

export function smsMessage(id: string, text: string, from = '+15550002222', receivedAt = new Date('2025-03-01T10:00:00Z')): Message {
  return {
    id,
    direction: 'MO',
    kind: 'sms',
    from,
    to: '+15550001111',
    parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8') }],
    receivedAt,
    meta: {},
  };
}

/** An entry as the fake keeps it: with the bytes, which list() turns into a size. */
export type FakeEntry = Omit<MailboxEntry, 'size'> & { rendition?: Buffer };

export class FakeMailboxes implements MailboxStore {
  readonly boxes = new Map<string, FakeEntry[]>();
  failRemove = false;
  removeCalls: Array<{ user: string; uids: string[] }> = [];
  /** The uids whose bytes were asked for, in order. */
  renditionCalls: string[] = [];
  saved = 0;

  add(user: string, messageId: string): void {
    const box = this.boxes.get(user) ?? [];
    box.push({ uid: messageId, messageId, addedAt: new Date() });
    this.boxes.set(user, box);
  }

  async list(user: string): Promise<MailboxEntry[]> {
    return (this.boxes.get(user) ?? []).map(({ rendition, ...e }) => (rendition ? { ...e, size: rendition.length } : { ...e }));
  }

  async rendition(user: string, uid: string): Promise<Buffer | undefined> {
    this.renditionCalls.push(uid);
    return this.boxes.get(user)?.find((x) => x.uid === uid)?.rendition;
  }

  async saveRendition(user: string, uid: string, rendition: Buffer): Promise<void> {
    const e = this.boxes.get(user)?.find((x) => x.uid === uid);
    if (e) e.rendition = rendition;
    this.saved++;
  }

  async remove(user: string, uids: string[]): Promise<void> {
    this.removeCalls.push({ user, uids });
    if (this.failRemove) throw new Error('disk full');
    this.boxes.set(
      user,
      (this.boxes.get(user) ?? []).filter((e) => !uids.includes(e.uid)),
    );
  }
}

export interface FakeGateway {
  port: number;
  ctx: Pop3Context;
  mailboxes: FakeMailboxes;
  messages: Map<string, Message>;
  deliver(user: string, message: Message): void;
  stop(): Promise<void>;
}

export async function startFakeGateway(
  opts: {
    users?: FakeUser[];
    idleTimeoutMs?: number;
    maxBadCommands?: number;
    maxSessions?: number;
    certificate?: { key: Buffer; cert: Buffer };
    apop?: boolean;
  } = {},
): Promise<FakeGateway> {
  const users = new Map((opts.users ?? [{ name: 'bob', password: 'secret' }]).map((u) => [u.name, u]));
  const messages = new Map<string, Message>();
  const mailboxes = new FakeMailboxes();
  const check = (name: string, ok: (u: FakeUser) => boolean) => {
    const u = users.get(name);
    return u && ok(u) && (u.smtpLogin ?? true) ? storedUser(u) : undefined;
  };
  const ctx: Pop3Context = {
    auth: {
      apopEnabled: opts.apop ?? true,
      login: async (name, password) => check(name, (u) => u.password === password),
      apop: async (name, timestamp, digest) =>
        check(
          name,
          (u) =>
            createHash('md5')
              .update(timestamp + u.password)
              .digest('hex') === digest.toLowerCase(),
        ),
    },
    mailboxes,
    messages: { get: async (id) => messages.get(id) },
    domains: { sms: 'sms.example', mms: 'mms.example' },
    log: silentLogger(),
    locks: new MailboxLocks(),
    counters: newCounters(),
    hostname: 'pop.example',
    tlsAvailable: opts.certificate !== undefined,
  };
  const server = new Pop3Server(ctx, {
    host: '127.0.0.1',
    port: 0,
    tlsPort: undefined,
    certificate: opts.certificate,
    idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
    maxBadCommands: opts.maxBadCommands ?? 10,
    maxSessions: opts.maxSessions ?? 200,
  });
  const [addr] = await server.listen();
  return {
    port: Number(addr!.split(':').pop()),
    ctx,
    mailboxes,
    messages,
    deliver(user, message) {
      messages.set(message.id, message);
      mailboxes.add(user, message.id);
    },
    stop: () => server.close(),
  };
}
