// The SMTP dialogue: who may log in, which recipients are taken, and what DATA becomes. A 250 after DATA
// is sent only once the gateway's store has committed every message of the mail.
import { simpleParser } from 'mailparser';
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { isAuthLocked, senderFor, type PluginApi, type ServerConnection, type StoredUser } from '../../core/index.ts';
import { mailContent } from './content.ts';
import { buildMessages } from './messages.ts';
import type { ResolvedSmtpOptions } from './options.ts';
import { readLimited } from './read-data.ts';
import { classifyRecipient, type Recipient } from './recipient.ts';
import { reply, replyFor } from './replies.ts';

export interface Counters {
  sessions: number;
  accepted: number;
  rejected: number;
  authFailures: number;
  /** Connections refused at the door (maxSessions, maxSessionsPerIp). */
  refused: number;
}

export type Handlers = Required<Pick<SMTPServerOptions, 'onConnect' | 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData'>>;

const NEEDS_TLS = '5.7.0 must issue a STARTTLS command first: this server takes passwords and mail over TLS only';
const NO_SENDER = '5.7.1 no sender address: give the user a forced sender or a recipient address, or set sms.defaultSender';

export function sessionHandlers(
  api: PluginApi,
  options: ResolvedSmtpOptions,
  counters: Counters,
  track: <T>(p: Promise<T>) => Promise<T>,
  connectionOf: (sessionId: string) => ServerConnection | undefined = () => undefined,
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
      if (options.requireTLS && !session.secure) return callback(reply(530, NEEDS_TLS));
      // Refused here, before the client sends the whole mail for nothing.
      if (senderFor(userOf(session), api.config) === undefined) {
        counters.rejected++;
        return callback(reply(550, NO_SENDER));
      }
      callback();
    },

    onRcptTo(address, _session, callback) {
      const r = recipientOf(address.address);
      if (r.ok) return callback();
      counters.rejected++;
      callback(reply(r.code, r.message));
    },

    onData(stream, session, callback) {
      const accept = async (): Promise<string> => {
        const raw = await readLimited(stream, options.maxSizeBytes);
        if (!raw) throw reply(552, `5.3.4 message too big: the limit is ${options.maxSizeBytes} bytes`);
        const mail = await simpleParser(raw, { skipImageLinks: true });
        const user = userOf(session);
        const from = senderOf(session);
        const recipients = session.envelope.rcptTo.map((a) => recipientOf(a.address)).filter((r) => r.ok);
        const messages = buildMessages(
          mailContent(mail, options),
          {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            ...(mail.messageId ? { emailMessageId: mail.messageId } : {}),
            recipients,
          },
          { user: user.name, from },
          options.subject,
        );
        const accepted = await api.submit(messages);
        counters.accepted += accepted.length;
        return `2.6.0 accepted ${accepted.length === 1 ? 'as' : `${accepted.length} messages as`} ${accepted.map((a) => a.id).join(' ')}`;
      };
      track(accept()).then(
        (text) => callback(null, text),
        (e: unknown) => {
          counters.rejected++;
          // The stream must be drained even when parsing failed half-way, or the session hangs.
          stream.resume();
          callback(replyFor(e, api.log));
        },
      );
    },
  };
}
