// What an operator is shown of a connection's options: everything but credentials.
import { describe, expect, it } from 'vitest';
import { publicOptions } from '../../../core/admin/redact.ts';

describe('publicOptions', () => {
  it('hides passwords, secrets, PINs, tokens and keys, at any depth, and passwords inside URLs', () => {
    const shown = publicOptions({
      host: 'smsc.example',
      port: 2775,
      password: 'p',
      pin: '1234',
      signature: { secret: 's', header: 'X-Nowsms-Signature' },
      accounts: [{ name: 'op', password: 'x', routeTo: 'bob' }],
      apiKey: 'k',
      authToken: 't',
      url: 'http://vasp:vasp-pw@mmsc.example:8080/mm7',
      tls: { keyFile: '/etc/nowsms/key.pem', certFile: '/etc/nowsms/cert.pem' },
      emptyPassword: '',
      onEvent: () => {},
      data: Buffer.alloc(3),
    });
    expect(shown).toEqual({
      host: 'smsc.example',
      port: 2775,
      password: '(set)',
      pin: '(set)',
      signature: { secret: '(set)', header: 'X-Nowsms-Signature' },
      accounts: [{ name: 'op', password: '(set)', routeTo: 'bob' }],
      apiKey: '(set)',
      authToken: '(set)',
      url: 'http://vasp:(set)@mmsc.example:8080/mm7',
      tls: { keyFile: '/etc/nowsms/key.pem', certFile: '/etc/nowsms/cert.pem' },
      emptyPassword: '',
      data: '(3 octets)',
    });
  });
});
