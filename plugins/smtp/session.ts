// The SMTP dialogue: who may log in, which recipients are taken, and what DATA becomes. A 250 after DATA
// is sent only once the gateway's store has committed every message of the mail.
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { isAuthLocked, senderFor, type PluginApi, type ServerConnection, type StoredUser } from 'nowsms';
import { InFlight, OneAtATime, type Hold } from './in-flight.ts';
import { buildMessages } from './messages.ts';
import type { ResolvedSmtpOptions } from './options.ts';
import { parseMail } from './parse.ts';
import { takeData } from './read-data.ts';
import { classifyRecipient, type Recipient } from './recipient.ts';
import { reply, replyFor, SmtpReply } from './replies.ts';

export interface Counters {
  sessions: number;
  accepted: number;
  rejected: number;
  authFailures: number;
  /** Connections refused at the door (maxSessions, maxSessionsPerIp). */
  refused: number;
}

export type Handlers = Required<Pick<SMTPServerOptions, 'onConnect' | 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData' | 'onClose'>>;

const NEEDS_TLS = '5.7.0 must issue a STARTTLS command first: this server takes passwords and mail over TLS only';
const NO_SENDER = '5.7.1 no sender address: give the user a forced sender or a recipient address, or set sms.defaultSender';
const BUSY = '4.3.1 the gateway holds as many large mails as plugins.smtp.maxBytesInFlight allows';
const BUSY_LOG_MS = 60_000;
/** Mails whose parts are bigger than this are committed one at a time (see OneAtATime). */
const LARGE_COMMIT_BYTES = 1024 * 1024;

export function sessionHandlers(
  api: PluginApi,
  options: ResolvedSmtpOptions,
  counters: Counters,
  track: <T>(p: Promise<T>) => Promise<T>,
  connectionOf: (sessionId: string) => ServerConnection | undefined = () => undefined,
  inFlight: InFlight = new InFlight(options.maxBytesInFlight),
): Handlers {
  const failures = new WeakMap<SMTPServerSession, number>();
  const perSession = api.config.security.authFailuresPerSession;
  const userOf = (session: SMTPServerSession) => session.user as StoredUser;
  const senderOf = (session: SMTPServerSession) => {
    const from = senderFor(userOf(session), api.config);
    if (from === undefined) throw reply(550, NO_SENDER);
    return from;
  };
  const recipientOf = (address: string): Recipient => classifyRecipient(address, api.config.domains, (n) => api.normalizeAddress(n));
  const holds = new Map<string, Hold>();
  const largeCommits = new OneAtATime();
  const holdOf = (session: SMTPServerSession) => {
    let hold = holds.get(session.id);
    if (!hold) holds.set(session.id, (hold = inFlight.open()));
    return hold;
  };
  let busyLogged = 0;
  const busy = (code: 451 | 452, text: string) => {
    if (Date.now() - busyLogged > BUSY_LOG_MS) {
      busyLogged = Date.now();
      api.log.warn(
        { event: 'smtp-busy', bytesInFlight: inFlight.bytes, maxBytesInFlight: inFlight.limit },
        'smtp: mails in flight reached plugins.smtp.maxBytesInFlight; new mails are told to come back later',
      );
    }
    counters.rejected++;
    return reply(code, `${BUSY}: ${text}`);
  };

  return {
    onConnect(_session, callback) {
      counters.sessions++;
      callback();
    },

    onAuth(auth, session, callback) {
      if (options.requireTLS && !session.secure) return callback(reply(530, NEEDS_TLS));
      // Acting for another account (an RFC 4616 authzid) is not something the gateway offers.
      if (auth.authzid && auth.authcid && auth.authzid !== auth.authcid) {
        counters.authFailures++;
        return callback(reply(535, '5.7.8 authentication failed: log in as yourself (no authorization identity)'));
      }
      const name = auth.username ?? '';
      track(api.auth.login(name, auth.password ?? '', { service: 'smtp', ip: session.remoteAddress })).then(
        (user) => {
          if (user) {
            connectionOf(session.id)?.loggedIn();
            return callback(null, { user });
          }
          counters.authFailures++;
          const n = (failures.get(session) ?? 0) + 1;
          failures.set(session, n);
          // 421 closes the connection (smtp-server does it): a guesser must reconnect, and the per-IP limits count that.
          if (n >= perSession) return callback(reply(421, '4.7.0 authentication failed too many times, closing the connection'));
          callback(reply(535, '5.7.8 authentication failed: check the user name and password; the account also needs SMTP login enabled'));
        },
        (e: unknown) => {
          if (!isAuthLocked(e)) return callback(replyFor(e, api.log));
          counters.authFailures++;
          callback(reply(421, `4.7.0 ${(e as Error).message}`));
        },
      );
    },

    onMailFrom(_address, session, callback) {
      // A new mail: whatever an earlier one in this session held (RCPT then RSET) is given back.
      holds.get(session.id)?.release();
      if (options.requireTLS && !session.secure) return callback(reply(530, NEEDS_TLS));
      // Refused here, before the client sends the whole mail for nothing.
      if (senderFor(userOf(session), api.config) === undefined) {
        counters.rejected++;
        return callback(reply(550, NO_SENDER));
      }
      callback();
    },

    onRcptTo(address, session, callback) {
      const r = recipientOf(address.address);
      if (!r.ok) {
        counters.rejected++;
        return callback(reply(r.code, r.message));
      }
      // Room for the whole mail when the client declared its SIZE; otherwise, room for anything at all.
      const args = session.envelope.mailFrom ? (session.envelope.mailFrom.args as Record<string, string> | false) : false;
      const declared = Math.min(Number(args ? args.SIZE : 0) || 0, options.maxSizeBytes);
      if (!holdOf(session).ensure(Math.max(declared, 1))) return callback(busy(452, 'try again later'));
      callback();
    },

    onClose(session, callback) {
      holds.get(session.id)?.release();
      holds.delete(session.id);
      callback();
    },

    onData(stream, session, callback) {
      const hold = holdOf(session);
      const intake = takeData(stream, options.maxSizeBytes, hold);
      const accept = async (): Promise<string> => {
        const parsing = parseMail(intake.body, options);
        // A parser that failed stops reading; the rest of DATA must still be read for the session to answer.
        parsing.catch(() => intake.abandon());
        const data = await intake.done;
        // Refused below without its content: the parser's result (or failure) is of no interest then.
        if (data.verdict !== 'ok' || data.mimeProblem) parsing.catch(() => undefined);
        if (data.verdict !== 'ok') {
          if (data.verdict === 'too-big') throw reply(552, `5.3.4 message too big: the limit is ${options.maxSizeBytes} bytes`);
          // Nobody hears this reply: the connection is gone.
          if (data.verdict === 'aborted') throw reply(451, '4.4.2 the connection was lost before the end of the mail');
          throw busy(451, 'this mail was not taken, send it again later');
        }
        if (data.mimeProblem) throw reply(550, `5.6.0 ${data.mimeProblem}: nothing was sent; check the mail client or send the mail again`);
        const { content, messageId } = await parsing;
        const user = userOf(session);
        const from = senderOf(session);
        const recipients = session.envelope.rcptTo.map((a) => recipientOf(a.address)).filter((r) => r.ok);
        const messages = buildMessages(
          content,
          {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            ...(messageId ? { emailMessageId: messageId } : {}),
            recipients,
          },
          { user: user.name, from },
          options.subject,
        );
        // One mail's messages share their parts: the first one's size is the mail's.
        const large = (messages[0]?.parts ?? []).reduce((n, p) => n + p.data.length, 0) > LARGE_COMMIT_BYTES;
        const accepted = await (large ? largeCommits.run(() => api.submit(messages)) : api.submit(messages));
        counters.accepted += accepted.length;
        return `2.6.0 accepted ${accepted.length === 1 ? 'as' : `${accepted.length} messages as`} ${accepted.map((a) => a.id).join(' ')}`;
      };
      track(accept())
        .finally(() => hold.release())
        .then(
          (text) => callback(null, text),
          (e: unknown) => {
            // busy() counted its own refusal already.
            if (!(e instanceof SmtpReply && e.message.startsWith('4.3.1'))) counters.rejected++;
            intake.abandon();
            callback(replyFor(e, api.log));
          },
        );
    },
  };
}
