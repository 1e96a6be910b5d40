// Messages, users and commit items the contract tests build on.
import { newMessageId, type CommitItem, type Message, type StoredUser } from '../../core/index.ts';

export function sms(overrides: Partial<Message> = {}): Message {
  return {
    id: newMessageId(),
    direction: 'MT',
    kind: 'sms',
    from: '+15550001111',
    to: '+15550002222',
    parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('hello') }],
    receivedAt: new Date(),
    meta: {},
    ...overrides,
  };
}

export function user(overrides: Partial<StoredUser> = {}): StoredUser {
  return {
    name: 'alice',
    smtpLogin: true,
    smppLogin: false,
    receive: true,
    recipients: [],
    allowIps: [],
    source: 'cli',
    credentials: { passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==' },
    ...overrides,
  };
}

/** An MT message of this user's, queued on `connection`. */
export const toConnection = (u?: string, connection = 'smsc1'): CommitItem => ({
  message: sms(u === undefined ? {} : { user: u }),
  target: { kind: 'connection', id: connection },
});

/** An MO message for `mailbox`'s user. */
export const toMailbox = (mailbox: string, overrides: Partial<Message> = {}): CommitItem => ({
  message: sms({ direction: 'MO', ...overrides }),
  target: { kind: 'mailbox', user: mailbox },
});

/** A time past every lease's due: `lease(conn, soon(), n)` takes what is due now. */
export const soon = () => new Date(Date.now() + 1000);
