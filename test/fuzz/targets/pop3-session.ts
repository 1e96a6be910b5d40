// POP3's session state machine (RFC 1939): random command sequences, valid and not, against the protocol
// engine with a four-message maildrop, each answer checked against a model of the RFC: transaction commands
// refused before a login, message numbers and deletion marks honoured, STAT/LIST/RETR sizes agreeing, RSET
// undoing, deletions removed at QUIT in the TRANSACTION state and at no other time, nothing after QUIT.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { silentLogger } from '../../../core/log.ts';
import type { Message } from '../../../core/index.ts';
import { newCounters, type Pop3Context } from '../../../plugins/pop3/context.ts';
import { MailboxLocks } from '../../../plugins/pop3/locks.ts';
import { Protocol, type SessionIo } from '../../../plugins/pop3/protocol.ts';
import { FakeMailboxes, smsMessage, storedUser, type FakeEntry } from '../../plugins/pop3/fake-gateway.ts';
import { broken, type FuzzTarget } from '../target.ts';

const PASSWORD = 'pass word';
const TEXTS = ['hello', '.a line that starts with a dot\n..and two\n.', 'x'.repeat(500), 'ünïcödé 👋'];
const MAX_FAILURES = 3;
/** One logger for every session (pino instances are not free to make by the million). */
const LOG = silentLogger();

type Command =
  | { verb: 'USER' | 'PASS' | 'STAT' | 'LIST' | 'UIDL' | 'RETR' | 'TOP' | 'DELE' | 'NOOP' | 'RSET' | 'QUIT' | 'CAPA' | 'AUTH' | 'STLS'; args: string }
  | { verb: 'APOP'; good: boolean }
  | { verb: 'raw'; line: string };

const number = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }).map(String), weight: 4 },
  { arbitrary: fc.constantFrom('0', '5', '-1', 'x', '01', '1x', '9999999999', ''), weight: 1 },
);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constantFrom<Command>(
    { verb: 'USER', args: 'bob' },
    { verb: 'USER', args: 'eve' },
    { verb: 'USER', args: '' },
    { verb: 'USER', args: 'bob bob' },
    { verb: 'PASS', args: PASSWORD },
    { verb: 'PASS', args: 'wrong' },
    { verb: 'PASS', args: '' },
    { verb: 'STAT', args: '' },
    { verb: 'STAT', args: '1' },
    { verb: 'LIST', args: '' },
    { verb: 'UIDL', args: '' },
    { verb: 'NOOP', args: '' },
    { verb: 'RSET', args: '' },
    { verb: 'QUIT', args: '' },
    { verb: 'CAPA', args: '' },
    { verb: 'AUTH', args: 'PLAIN' },
    { verb: 'STLS', args: '' },
  ),
  fc.boolean().map((good): Command => ({ verb: 'APOP', good })),
  fc
    .tuple(fc.constantFrom('LIST', 'UIDL', 'RETR', 'DELE') as fc.Arbitrary<'LIST' | 'UIDL' | 'RETR' | 'DELE'>, number)
    .map(([verb, n]): Command => ({ verb, args: n })),
  fc.tuple(number, fc.constantFrom('0', '1', '3', 'x', '')).map(([n, k]): Command => ({ verb: 'TOP', args: `${n} ${k}`.trim() })),
  fc.string({ maxLength: 30 }).map((line): Command => ({ verb: 'raw', line })),
);

interface Reply {
  line: string;
  body?: Buffer;
}

/** The recording side of a session: what the engine answered, and whether it ended the session. */
class Io implements SessionIo {
  readonly remoteAddress = '192.0.2.1';
  readonly secure = false;
  replies: Reply[] = [];
  ended = false;
  async reply(line: string, body?: Buffer): Promise<void> {
    this.replies.push(body ? { line, body } : { line });
  }
  async fail(line: string): Promise<void> {
    this.replies.push({ line });
  }
  startTls(): void {
    broken('STLS started with no certificate');
  }
  end(): void {
    this.ended = true;
  }
  loggedIn(): void {}
}

/** A multi-line answer's content: the terminator checked and removed, dot-stuffing undone. */
function unstuff(body: Buffer): Buffer {
  const text = body.toString('latin1');
  if (!text.endsWith('\r\n.\r\n') && text !== '.\r\n') broken('a multi-line answer without its terminating line');
  const lines = text.slice(0, -3).split('\r\n');
  lines.pop();
  for (const l of lines) if (l === '.') broken('a lone "." inside a multi-line answer');
  return Buffer.from(lines.map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n') + (lines.length ? '\r\n' : ''), 'latin1');
}

/** Messages and the renditions the first session stored: later sessions start from a copy, unrendered work skipped. */
const messages = new Map<string, Message>(TEXTS.map((t, i) => [`m${i + 1}`, smsMessage(`m${i + 1}`, t)]));
let rendered: FakeEntry[] | undefined;

function mailboxes(): FakeMailboxes {
  const box = new FakeMailboxes();
  if (rendered)
    box.boxes.set(
      'bob',
      rendered.map((e) => ({ ...e })),
    );
  else for (const id of messages.keys()) box.add('bob', id);
  return box;
}

function context(box: FakeMailboxes): Pop3Context {
  const user = storedUser({ name: 'bob', password: PASSWORD });
  return {
    auth: {
      apopEnabled: true,
      login: async (name, password) => (name === 'bob' && password === PASSWORD ? user : undefined),
      apop: async (name, timestamp, digest) =>
        name === 'bob' &&
        createHash('md5')
          .update(timestamp + PASSWORD)
          .digest('hex') === digest
          ? user
          : undefined,
    },
    mailboxes: box,
    messages: { get: async (id) => messages.get(id) },
    domains: { sms: 'sms.example', mms: 'mms.example' },
    log: LOG,
    locks: new MailboxLocks(),
    counters: newCounters(),
    hostname: 'pop.example',
    tlsAvailable: false,
    authFailuresPerSession: MAX_FAILURES,
  };
}

function lineOf(c: Command, timestamp: string): string {
  if (c.verb === 'raw') return c.line;
  if (c.verb === 'APOP')
    return `APOP bob ${
      c.good
        ? createHash('md5')
            .update(timestamp + PASSWORD)
            .digest('hex')
        : 'f'.repeat(32)
    }`;
  return c.args ? `${c.verb} ${c.args}` : c.verb;
}

export async function session(commands: Command[]): Promise<void> {
  const box = mailboxes();
  const ctx = context(box);
  const io = new Io();
  const p = new Protocol(ctx, io);
  const uids = box.boxes.get('bob')!.map((e) => e.uid);
  // The model.
  let phase: 'authorization' | 'transaction' = 'authorization';
  let pending: string | undefined;
  let failures = 0;
  const deleted = new Set<number>();
  const sizes: number[] = [];
  const valid = (arg: string) => /^\d{1,9}$/.test(arg) && Number(arg) >= 1 && Number(arg) <= uids.length && !deleted.has(Number(arg));
  const visible = () => uids.map((_, i) => i + 1).filter((n) => !deleted.has(n));

  for (const c of commands) {
    if (io.ended) break;
    const line = lineOf(c, p.timestamp!);
    io.replies = [];
    await p.handle(line);
    if (io.replies.length !== 1) broken(`${io.replies.length} answers to ${JSON.stringify(line)}`);
    const [{ line: answer, body }] = io.replies as [Reply];
    if (!/^(\+OK|-ERR)( |$)/.test(answer)) broken(`an answer that is neither +OK nor -ERR: ${answer}`);
    if (/[\r\n]/.test(answer)) broken('a CR or LF inside a status line');
    const ok = answer.startsWith('+OK');
    const expect = (want: boolean, why: string) => {
      if (ok !== want) broken(`${JSON.stringify(line)} in ${phase}: ${answer} (${why})`);
    };
    const verb = c.verb === 'raw' ? (/^([A-Za-z]{1,8})(?: |$)/.exec(c.line)?.[1] ?? '').toUpperCase() : c.verb;
    const args = c.verb === 'raw' ? c.line.slice(verb.length + 1) : c.verb === 'APOP' ? 'x' : c.args;
    if (c.verb === 'raw') {
      // A random line: only the RFC's general rules; a login or QUIT by chance ends the model's knowledge.
      if (ok && (verb === 'PASS' || verb === 'APOP' || verb === 'QUIT' || verb === 'DELE' || verb === 'RSET')) return;
      if (verb === 'USER' && ok) pending = args.split(' ').filter(Boolean)[0];
      if (verb === 'PASS' || verb === 'APOP') pending = undefined;
      if (!ok && (verb === 'PASS' || verb === 'APOP') && /\[AUTH\]/.test(answer)) failures++;
      continue;
    }
    if (phase === 'authorization') {
      switch (c.verb) {
        case 'USER':
          expect(/^\S+$/.test(args), 'USER takes one name');
          if (ok) pending = args;
          break;
        case 'PASS': {
          const good = pending === 'bob' && args === PASSWORD;
          expect(good, pending === undefined ? 'no USER before' : 'the password and user');
          if (pending !== undefined && args !== '' && !good) failures++;
          pending = undefined;
          break;
        }
        case 'APOP':
          expect(c.good, 'the digest');
          if (!c.good) failures++;
          pending = undefined;
          break;
        case 'CAPA':
          expect(true, 'CAPA');
          break;
        case 'QUIT':
          expect(true, 'QUIT');
          if (!io.ended) broken('QUIT did not end the session');
          if (box.removeCalls.length) broken('QUIT before a login removed messages');
          return;
        default:
          // STLS too: refused (no certificate), it leaves a USER given before as it was.
          expect(false, 'not a command of the AUTHORIZATION state');
      }
      if (ok && (c.verb === 'PASS' || c.verb === 'APOP')) {
        phase = 'transaction';
        const stat = /\((\d+) octets\)/.exec(answer);
        if (!stat) broken(`a login answer without the maildrop size: ${answer}`);
        const entries = box.boxes.get('bob')!;
        if (!rendered && entries.length === uids.length && entries.every((e) => e.rendition)) rendered = entries.map((e) => ({ ...e }));
      }
      if (failures >= MAX_FAILURES && !io.ended) broken(`${failures} failed logins and the session goes on`);
      if (io.ended && failures < MAX_FAILURES) broken(`the session ended after ${JSON.stringify(line)}: ${answer}`);
      continue;
    }
    // TRANSACTION.
    switch (c.verb) {
      case 'STAT': {
        expect(args === '', 'STAT takes no argument');
        if (ok) {
          const m = /^\+OK (\d+) (\d+)$/.exec(answer);
          if (!m || Number(m[1]) !== visible().length) broken(`STAT ${answer} with ${visible().length} messages left`);
          if (visible().every((n) => sizes[n - 1] !== undefined) && Number(m[2]) !== visible().reduce((s, n) => s + sizes[n - 1]!, 0))
            broken(`STAT ${answer}: not the sum of LIST's sizes`);
        }
        break;
      }
      case 'LIST':
      case 'UIDL':
        if (args === '') {
          expect(true, `${c.verb} of all`);
          const rows = unstuff(body ?? broken(`${c.verb} without a listing`))
            .toString()
            .split('\r\n')
            .filter(Boolean)
            .map((r) => r.split(' '));
          if (rows.map((r) => Number(r[0])).join() !== visible().join()) broken(`${c.verb} lists ${rows.map((r) => r[0]).join()}, not ${visible().join()}`);
          for (const [n, v] of rows as [string, string][]) {
            if (c.verb === 'UIDL' && v !== uids[Number(n) - 1]) broken(`UIDL ${n} is ${v}`);
            if (c.verb === 'LIST') sizes[Number(n) - 1] = Number(v);
          }
        } else {
          expect(valid(args), 'the message number');
          if (ok && c.verb === 'UIDL' && answer !== `+OK ${Number(args)} ${uids[Number(args) - 1]}`) broken(`UIDL ${args}: ${answer}`);
          if (ok && c.verb === 'LIST') sizes[Number(args) - 1] = Number(answer.split(' ')[2]);
        }
        break;
      case 'RETR':
        expect(valid(args), 'the message number');
        if (ok) {
          const size = Number(/^\+OK (\d+) octets$/.exec(answer)?.[1] ?? NaN);
          const bytes = unstuff(body ?? broken('RETR without the message'));
          if (bytes.length !== size) broken(`RETR ${args} sent ${bytes.length} octets, announced ${size}`);
          const known = sizes[Number(args) - 1];
          if (known !== undefined && known !== size) broken(`RETR ${args} is ${size} octets, LIST said ${known}`);
        }
        break;
      case 'TOP': {
        const [n, k] = args.split(' ');
        expect(k !== undefined && /^\d{1,9}$/.test(k) && valid(n!), 'the message number and a line count');
        if (ok) unstuff(body ?? broken('TOP without the message'));
        break;
      }
      case 'DELE':
        expect(valid(args), 'the message number, not deleted yet');
        if (ok) deleted.add(Number(args));
        break;
      case 'RSET':
        expect(true, 'RSET');
        deleted.clear();
        break;
      case 'NOOP':
      case 'CAPA':
        expect(true, c.verb);
        break;
      case 'QUIT': {
        expect(true, 'QUIT');
        if (!io.ended) broken('QUIT did not end the session');
        const removed = box.removeCalls.flatMap((r) => r.uids).sort();
        const want = [...deleted].map((n) => uids[n - 1]!).sort();
        if (removed.join() !== want.join()) broken(`QUIT removed ${removed.join()}, the deleted were ${want.join()}`);
        return;
      }
      default:
        expect(false, 'not a command of the TRANSACTION state');
    }
    if (box.removeCalls.length) broken(`messages removed before QUIT, after ${JSON.stringify(line)}`);
    if (io.ended) broken(`the session ended after ${JSON.stringify(line)}`);
  }
  // A session that ends without QUIT in TRANSACTION deletes nothing.
  p.release();
  if (box.removeCalls.length) broken('a session that ended without QUIT removed messages');
  if (!ctx.locks.tryLock('bob')) broken('the maildrop stayed locked after the session');
}

const LOGINS: Command[][] = [
  [{ verb: 'APOP', good: true }],
  [
    { verb: 'USER', args: 'bob' },
    { verb: 'PASS', args: PASSWORD },
  ],
];

export const pop3Session: FuzzTarget = {
  name: 'pop3-session',
  about: 'the POP3 engine against an RFC 1939 model: states, message numbers, deletion marks, sizes, QUIT',
  // Most sessions log in first, so the TRANSACTION state gets as many commands as the AUTHORIZATION one.
  property: () =>
    fc.asyncProperty(
      fc.option(
        fc.integer({ min: 0, max: LOGINS.length - 1 }).map((i) => LOGINS[i]!),
        { freq: 4, nil: null },
      ),
      fc.array(command, { maxLength: 40, size: 'large' }),
      (login: Command[] | null, commands: Command[]) => session([...(login ?? []), ...commands]),
    ),
};
