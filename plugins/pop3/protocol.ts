// The RFC 1939 state machine (with RFC 2449 CAPA and response codes, RFC 2595 STLS), apart from sockets:
// it reads one command line at a time and answers through SessionIo.
import { isAuthLocked, type StoredUser } from 'nowsms';
import type { Pop3Context } from './context.ts';
import { openMaildrop, type Maildrop, type MaildropEntry } from './maildrop.ts';
import { multiline, topOf } from './octets.ts';
import { apopTimestamp } from './timestamp.ts';

export interface SessionIo {
  readonly remoteAddress: string;
  /** The session runs over TLS (implicit, or after STLS). */
  readonly secure: boolean;
  /** Send one response line (CRLF added), followed by the bytes of a multi-line answer if any. */
  reply(line: string, body?: Buffer): Promise<void>;
  /** Answer a bad command; the session ends when the client has sent too many. */
  fail(line: string): Promise<void>;
  /** Send the STLS answer and switch the connection to TLS, dropping unread plaintext. */
  startTls(line: string): void;
  /** Close the connection once everything written has been sent. */
  end(): void;
  /** The client logged in (the front door's login deadline stops). */
  loggedIn(): void;
}

export type State = 'authorization' | 'transaction' | 'update';

type Handler = (args: string[], rest: string) => Promise<void>;

const IMPLEMENTATION = 'nowsms';
const NEEDS_TLS = '-ERR [AUTH] this server takes passwords over TLS only: issue STLS first';
const BANNER = 'nowsms POP3 server ready';

export class Protocol {
  state: State = 'authorization';
  /** The APOP challenge of this session, when APOP is on. */
  readonly timestamp: string | undefined;
  private pendingUser: string | undefined;
  private user: StoredUser | undefined;
  private drop: Maildrop | undefined;
  private unlock: (() => Promise<void>) | undefined;
  private loginFailures = 0;

  constructor(
    private readonly ctx: Pop3Context,
    private readonly io: SessionIo,
  ) {
    this.timestamp = ctx.auth.apopEnabled ? apopTimestamp(ctx.hostname) : undefined;
  }

  greeting(): string {
    return this.timestamp ? `+OK ${BANNER} ${this.timestamp}` : `+OK ${BANNER}`;
  }

  /** The session is over, however it ended: let the next session open the maildrop. */
  release(): void {
    void this.unlock?.();
    this.unlock = undefined;
    // The session object may outlive its connection a little (the linger timer): its snapshot need not.
    this.drop = undefined;
  }

  async handle(line: string): Promise<void> {
    const match = /^([A-Za-z]{1,8})(?: (.*))?$/.exec(line);
    if (!match) return this.io.fail('-ERR unknown command');
    const verb = match[1]!.toUpperCase();
    const rest = match[2] ?? '';
    const args = rest.split(' ').filter(Boolean);
    const table = this.state === 'authorization' ? this.authorization : this.state === 'transaction' ? this.transaction : {};
    const handler = Object.hasOwn(table, verb) ? table[verb] : undefined;
    if (handler) return handler(args, rest);
    if (Object.hasOwn(this.authorization, verb) || Object.hasOwn(this.transaction, verb)) return this.io.fail(`-ERR ${verb} is not valid in this state`);
    return this.io.fail('-ERR unknown command');
  }

  private readonly authorization: Record<string, Handler> = {
    CAPA: (args) => this.capa(args),
    QUIT: (args) => (args.length ? this.syntax('QUIT') : this.bye('+OK nowsms POP3 server signing off')),
    USER: async (args) => {
      if (this.needsTls()) return this.io.fail(NEEDS_TLS);
      if (args.length !== 1) return this.syntax('USER name');
      this.pendingUser = args[0];
      await this.io.reply('+OK send PASS');
    },
    PASS: async (_args, rest) => {
      const name = this.pendingUser;
      this.pendingUser = undefined;
      if (this.needsTls()) return this.io.fail(NEEDS_TLS);
      if (name === undefined) return this.io.fail('-ERR send USER first');
      // RFC 1939 lets a password hold spaces: everything after "PASS " is the password.
      if (!rest) return this.syntax('PASS password');
      await this.login(() => this.ctx.auth.login(name, rest, this.loginContext()));
    },
    APOP: async (args) => {
      this.pendingUser = undefined;
      if (!this.timestamp) return this.io.fail('-ERR APOP is not available here: use USER and PASS');
      if (this.needsTls()) return this.io.fail(NEEDS_TLS);
      const [name, digest] = args;
      if (args.length !== 2 || !name || !digest || !/^[0-9a-f]{32}$/i.test(digest)) return this.syntax('APOP name digest');
      const timestamp = this.timestamp;
      await this.login(() => this.ctx.auth.apop(name, timestamp, digest, this.loginContext()));
    },
    // Mail clients probe for SASL (RFC 5034); saying no is an answer, not a client error.
    AUTH: () => this.io.reply('-ERR SASL is not offered: use USER and PASS, or APOP'),
    STLS: async (args) => {
      if (args.length) return this.syntax('STLS');
      if (this.io.secure) return this.io.fail('-ERR command not permitted when TLS active');
      if (!this.ctx.tlsAvailable) return this.io.fail('-ERR STLS is not available: no certificate configured');
      this.pendingUser = undefined;
      this.io.startTls('+OK begin TLS negotiation');
    },
  };

  private readonly transaction: Record<string, Handler> = {
    CAPA: (args) => this.capa(args),
    STAT: async (args) => {
      if (args.length) return this.syntax('STAT');
      const { count, octets } = this.maildrop().stat();
      await this.io.reply(`+OK ${count} ${octets}`);
    },
    LIST: (args) =>
      this.listing(
        args,
        'LIST [msg]',
        (n, e) => `${n} ${e.size}`,
        () => {
          const { count, octets } = this.maildrop().stat();
          return `+OK ${messages(count)} (${octets} octets)`;
        },
      ),
    UIDL: (args) =>
      this.listing(
        args,
        'UIDL [msg]',
        (n, e) => `${n} ${e.uid}`,
        () => '+OK unique-id listing follows',
      ),
    RETR: async (args) => {
      if (args.length !== 1) return this.syntax('RETR msg');
      const entry = await this.message(args[0]!);
      if (!entry) return;
      const bytes = await this.bytesOf(Number(args[0]));
      if (!bytes) return;
      this.ctx.counters.retrieved++;
      await this.io.reply(`+OK ${entry.size} octets`, multiline(bytes));
    },
    TOP: async (args) => {
      if (args.length !== 2 || !/^\d{1,9}$/.test(args[1]!)) return this.syntax('TOP msg lines');
      const entry = await this.message(args[0]!);
      if (!entry) return;
      const bytes = await this.bytesOf(Number(args[0]));
      if (!bytes) return;
      await this.io.reply('+OK top of message follows', multiline(topOf(bytes, Number(args[1]))));
    },
    DELE: async (args) => {
      if (args.length !== 1) return this.syntax('DELE msg');
      const entry = await this.message(args[0]!);
      if (!entry) return;
      entry.deleted = true;
      await this.io.reply(`+OK message ${args[0]} deleted`);
    },
    NOOP: async (args) => (args.length ? this.syntax('NOOP') : this.io.reply('+OK')),
    RSET: async (args) => {
      if (args.length) return this.syntax('RSET');
      this.maildrop().reset();
      const { count, octets } = this.maildrop().stat();
      await this.io.reply(`+OK maildrop has ${messages(count)} (${octets} octets)`);
    },
    QUIT: (args) => (args.length ? this.syntax('QUIT') : this.update()),
  };

  // RFC 1939 section 6: deletions happen here and only here, all or nothing, and +OK only once the store has them.
  private async update(): Promise<void> {
    this.state = 'update';
    const drop = this.maildrop();
    const uids = drop.deletedUids();
    if (uids.length) {
      try {
        await this.ctx.mailboxes.remove(this.user!.name, uids);
      } catch (err) {
        this.ctx.log.error({ err, user: this.user!.name, uids }, 'could not remove retrieved messages: kept in the mailbox');
        return this.bye('-ERR [SYS/TEMP] could not remove the deleted messages; they are still in the maildrop');
      }
      this.ctx.counters.deleted += uids.length;
    }
    const left = drop.stat().count;
    // RFC 1939 section 6: the lock goes before the reply, so that a client that quits here and logs in again
    // on another node at once finds the maildrop free.
    await this.unlock?.();
    await this.bye(`+OK nowsms POP3 server signing off (${left === 0 ? 'maildrop empty' : `${messages(left)} left`})`);
  }

  private async bye(line: string): Promise<void> {
    await this.io.reply(line);
    this.io.end();
  }

  private async capa(args: string[]): Promise<void> {
    if (args.length) return this.syntax('CAPA');
    // RFC 2595 section 4: USER is not advertised where plaintext logins are refused.
    const caps = ['TOP', 'UIDL', ...(this.needsTls() ? [] : ['USER']), 'RESP-CODES', 'PIPELINING', 'AUTH-RESP-CODE', `IMPLEMENTATION ${IMPLEMENTATION}`];
    // RFC 2595: STLS only before login, and never twice.
    if (this.state === 'authorization' && this.ctx.tlsAvailable && !this.io.secure) caps.push('STLS');
    await this.io.reply('+OK capability list follows', Buffer.from(caps.map((c) => `${c}\r\n`).join('') + '.\r\n'));
  }

  /** With requireTLS, no credentials before STLS (or the POP3S port). */
  private needsTls(): boolean {
    return this.ctx.requireTLS === true && !this.io.secure;
  }

  /** A login attempt: a locked-out address or account, and too many failures in one session, end the session. */
  private async login(attempt: () => Promise<StoredUser | undefined>): Promise<void> {
    let user: StoredUser | undefined;
    try {
      user = await attempt();
    } catch (err) {
      if (!isAuthLocked(err)) throw err;
      this.ctx.counters.loginFailures++;
      // [SYS/TEMP], not [AUTH]: the password may be right; asking the user for another one would not help.
      return this.bye(`-ERR [SYS/TEMP] ${(err as Error).message}`);
    }
    if (!user && ++this.loginFailures >= (this.ctx.authFailuresPerSession ?? Infinity)) {
      this.ctx.counters.loginFailures++;
      return this.bye('-ERR [AUTH] invalid user name or password; too many failures, closing the connection');
    }
    return this.loggedIn(user);
  }

  private async loggedIn(user: StoredUser | undefined): Promise<void> {
    if (!user) {
      this.ctx.counters.loginFailures++;
      return this.io.fail('-ERR [AUTH] invalid user name or password');
    }
    let unlock: (() => Promise<void>) | undefined;
    try {
      unlock = await this.ctx.locks.tryLock(user.name);
    } catch (err) {
      this.ctx.log.error({ err, user: user.name }, 'could not lock the maildrop');
      return this.io.reply('-ERR [SYS/TEMP] could not open the maildrop; try again later');
    }
    if (!unlock) return this.io.reply('-ERR [IN-USE] maildrop is already open in another session');
    let drop: Maildrop;
    try {
      drop = await openMaildrop(this.ctx, user);
    } catch (err) {
      void unlock();
      this.ctx.log.error({ err, user: user.name }, 'could not open the maildrop');
      return this.io.reply('-ERR [SYS/TEMP] could not open the maildrop; try again later');
    }
    this.user = user;
    this.drop = drop;
    this.unlock = unlock;
    this.state = 'transaction';
    this.ctx.counters.logins++;
    this.io.loggedIn();
    this.ctx.log.info({ user: user.name, ip: this.io.remoteAddress }, 'pop3 login');
    const { count, octets } = drop.stat();
    await this.io.reply(`+OK ${user.name}'s maildrop has ${messages(count)} (${octets} octets)`);
  }

  private async listing(args: string[], usage: string, line: (n: number, e: MaildropEntry) => string, heading: () => string): Promise<void> {
    if (args.length > 1) return this.syntax(usage);
    if (args.length === 1) {
      const entry = await this.message(args[0]!);
      if (entry) await this.io.reply(`+OK ${line(Number(args[0]), entry)}`);
      return;
    }
    const lines = this.maildrop()
      .visible()
      .map(({ n, entry }) => `${line(n, entry)}\r\n`);
    await this.io.reply(heading(), Buffer.from(lines.join('') + '.\r\n'));
  }

  /** The message a command names; answers -ERR itself when there is none. */
  private async message(arg: string): Promise<MaildropEntry | undefined> {
    if (!/^\d{1,9}$/.test(arg)) {
      await this.io.fail(`-ERR invalid message number: ${arg.slice(0, 20)}`);
      return undefined;
    }
    const entry = this.maildrop().at(Number(arg));
    if (!entry) await this.io.reply(`-ERR no such message`);
    else if (entry.deleted) await this.io.reply(`-ERR message ${Number(arg)} already deleted`);
    else return entry;
    return undefined;
  }

  /** The bytes of message n (the store reads them now); answers -ERR itself when they cannot be had. */
  private async bytesOf(n: number): Promise<Buffer | undefined> {
    try {
      return await this.maildrop().bytes(n);
    } catch (err) {
      this.ctx.log.error({ err, user: this.user?.name, n }, 'could not read a message of the maildrop');
      await this.io.reply(`-ERR [SYS/TEMP] could not read message ${n}; try again later`);
      return undefined;
    }
  }

  private syntax(usage: string): Promise<void> {
    return this.io.fail(`-ERR syntax: ${usage}`);
  }

  private maildrop(): Maildrop {
    if (!this.drop) throw new Error('pop3: transaction command without a maildrop');
    return this.drop;
  }

  private loginContext() {
    return { service: 'pop3' as const, ip: this.io.remoteAddress };
  }
}

function messages(n: number): string {
  return n === 1 ? '1 message' : `${n} messages`;
}
