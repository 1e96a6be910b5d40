// Which RCPT addresses the gateway takes. smtp-server lets odd forms through (`<+1555...>>`, quoted local
// parts), so the address is checked here, strictly: a phone number at one of the gateway's own domains,
// nothing else. The gateway never relays, whoever asks.
import type { MessageKind } from 'nowsms';

export type Recipient = { ok: true; kind: MessageKind; number: string } | { ok: false; code: number; message: string };

// One optional leading + and digits: what an e-mail client's address book holds for a phone. Separators
// are refused rather than guessed at, so what the user typed is what the phone number is.
const PHONE = /^\+?\d{1,20}$/;

export function classifyRecipient(address: string, domains: { sms: string; mms: string }, normalize: (n: string) => string): Recipient {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
  const kind: MessageKind | undefined = domain === domains.sms.toLowerCase() ? 'sms' : domain === domains.mms.toLowerCase() ? 'mms' : undefined;
  if (!kind) {
    return {
      ok: false,
      code: 550,
      message: `5.7.1 relaying denied: this gateway only takes mail to <phone>@${domains.sms} (SMS) or <phone>@${domains.mms} (MMS)`,
    };
  }
  if (!PHONE.test(local)) {
    return { ok: false, code: 550, message: `5.1.3 <${address}>: the part before @ must be a phone number such as +15550001111 or a short code` };
  }
  try {
    return { ok: true, kind, number: normalize(local) };
  } catch (e) {
    return { ok: false, code: 550, message: `5.1.3 <${address}>: ${(e as Error).message}` };
  }
}
