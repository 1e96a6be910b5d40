// bind_transmitter / bind_receiver / bind_transceiver against the gateway's users.
//
// The refusal code follows the core's verdict, which tells a reason only to whoever gave the right password:
//   - unknown user or wrong password         -> ESME_RINVPASWD (0x0E); unknown names, and accounts without
//                                               SMPP login, are not told apart, so a guesser cannot list accounts
//   - the right password, no SMPP login      -> ESME_RBINDFAIL (0x0D)
//   - the right password, an address outside the account's allow-list -> ESME_RBINDFAIL
//   - a system_id longer than 15 characters  -> ESME_RINVSYSID (0x0F), before any lookup
//   - a bind on a session already bound      -> ESME_RALYBND (0x05)
//   - the address or the account is locked out after too many failed logins (core auth throttle)
//                                            -> ESME_RBINDFAIL, and the connection is closed
// After security.authFailuresPerSession failed binds on one connection, it is closed too.
import smpp, { type PDU } from 'smpp';
import { isAuthLocked, type LoginRefusal, type StoredUser } from 'nowsms';
import type { ServerContext } from './context.ts';
import type { BindMode, Session } from './session.ts';

const MODES: Record<string, BindMode> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
};

export function bindMode(command: string): BindMode | undefined {
  return MODES[command];
}

/** The refusal code: "no SMPP login" or "not from this address" only for the right password (see the top). */
const REFUSAL: Record<LoginRefusal, number> = {
  credentials: smpp.ESME_RINVPASWD,
  service: smpp.ESME_RBINDFAIL,
  address: smpp.ESME_RBINDFAIL,
};

/** Answer a bind; on success the session is bound and `onBound` runs after the bind_resp is written. */
export function handleBind(ctx: ServerContext, session: Session, pdu: PDU, onBound: (s: Session) => void): Promise<void> {
  const mode = bindMode(pdu.command)!;
  if (session.state !== 'open') {
    session.respond(pdu, { command_status: smpp.ESME_RALYBND });
    return Promise.resolve();
  }
  // Synchronously, before anything else is read: PDUs pipelined behind the bind wait for its answer.
  return session.exclusive(async () => {
    const name = String(pdu.system_id ?? '');
    const password = String(pdu.password ?? '');
    let user: StoredUser | undefined;
    let status: number = smpp.ESME_ROK;
    let locked = false;
    if (name === '' || name.length > 15) status = smpp.ESME_RINVSYSID;
    else {
      try {
        const verdict = await ctx.auth.loginVerdict(name, password, { service: 'smpp', ip: session.ip });
        if ('user' in verdict) user = verdict.user;
        else status = REFUSAL[verdict.refused];
      } catch (err) {
        if (!isAuthLocked(err)) throw err;
        locked = true;
        status = smpp.ESME_RBINDFAIL;
      }
    }
    if (session.state === 'closed') return; // the client left while its password was checked
    if (status !== smpp.ESME_ROK || !user) {
      ctx.counters.bindFailures++;
      const closing = locked || ++session.bindFailures >= ctx.authFailuresPerSession;
      ctx.log.info(
        {
          user: name,
          ip: session.ip,
          mode,
          status,
          ...(locked ? { lockedOut: true } : {}),
          ...(closing ? { closing: true } : {}),
          // A client that cuts a longer password (Kannel does) sends exactly 8 characters.
          ...(password.length === 8 && status === smpp.ESME_RINVPASWD
            ? { hint: "the client sent 8 characters of password: if the user's password is longer, the client cut it (SMPP 3.4 carries at most 8)" }
            : {}),
        },
        'smpp bind refused',
      );
      session.respond(pdu, { command_status: status });
      if (closing) session.end();
      return;
    }
    session.user = user;
    session.mode = mode;
    session.interfaceVersion = Number(pdu.interface_version ?? 0);
    session.state = 'bound';
    session.loggedIn();
    ctx.counters.binds++;
    // sc_interface_version tells a 3.4 client that TLVs are understood (SMPP 3.4 section 4.1.2).
    session.respond(pdu, { system_id: ctx.opts.systemId, ...(session.interfaceVersion >= 0x34 ? { sc_interface_version: 0x34 } : {}) });
    ctx.log.info({ user: user.name, ip: session.ip, mode, session: session.id }, 'smpp bound');
    onBound(session);
  });
}
