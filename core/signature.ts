// The one signature on the gateway's own HTTP calls (2-way commands, status callbacks), so a receiver checks
// both the same way: `X-Nowsms-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`.
// The payload is the request body, or for a GET the URL as sent. The time in the signed text lets a receiver
// refuse an old call replayed.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Nowsms-Signature';

export function signatureOf(secret: string, payload: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${payload}`).digest('hex')}`;
}

/** A receiver's check: the header matches the payload and was made within `toleranceSeconds` of now. */
export function verifySignature(secret: string, header: string, payload: string, toleranceSeconds = 300, now = Date.now() / 1000): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!m) return false;
  const at = Number(m[1]);
  if (Math.abs(now - at) > toleranceSeconds) return false;
  const want = Buffer.from(signatureOf(secret, payload, at).slice(-64), 'hex');
  return timingSafeEqual(want, Buffer.from(m[2]!, 'hex'));
}
