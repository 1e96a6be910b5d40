// The signature on the gateway's HTTP calls, as a receiver checks it: right payload and secret, within
// the tolerance; a changed payload, another secret, an old call replayed or a mangled header are refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureOf, verifySignature } from '../../core/index.ts';

const SECRET = 'a-shared-secret-of-enough-length';

describe('signatureOf / verifySignature', () => {
  it('is t=<unix>,v1=<HMAC-SHA256 of "t.payload"> and verifies', () => {
    const at = 1_765_000_000;
    const sig = signatureOf(SECRET, '{"id":"x"}', at);
    expect(sig).toBe(`t=${at},v1=${createHmac('sha256', SECRET).update(`${at}.{"id":"x"}`).digest('hex')}`);
    expect(verifySignature(SECRET, sig, '{"id":"x"}', 300, at + 10)).toBe(true);
  });

  it('refuses a changed payload, another secret, a replay past the tolerance and a mangled header', () => {
    const at = 1_765_000_000;
    const sig = signatureOf(SECRET, 'body', at);
    expect(verifySignature(SECRET, sig, 'body!', 300, at)).toBe(false);
    expect(verifySignature('another-secret-of-enough-length', sig, 'body', 300, at)).toBe(false);
    expect(verifySignature(SECRET, sig, 'body', 300, at + 301)).toBe(false);
    expect(verifySignature(SECRET, sig.replace('v1=', 'v2='), 'body', 300, at)).toBe(false);
    expect(verifySignature(SECRET, 'sha256=00', 'body', 300, at)).toBe(false);
  });
});
