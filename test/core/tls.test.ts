import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCertificate } from '../../core/tls.ts';
import { makeCertificate } from '../helpers/tls.ts';

describe('loadCertificate', () => {
  it('reads a key and certificate relative to the config directory', () => {
    const { keyFile, certFile } = makeCertificate();
    const pair = loadCertificate({ keyFile: path.basename(keyFile), certFile: path.basename(certFile) }, path.dirname(keyFile), 'pop3');
    expect(pair.cert.toString()).toMatch(/BEGIN CERTIFICATE/);
  });

  it('names the plug-in and the file that is missing or unusable', () => {
    const { keyFile, certFile } = makeCertificate();
    expect(() => loadCertificate({ keyFile: '/nonexistent/key.pem', certFile }, '/', 'smtp')).toThrow(
      /smtp cannot read the TLS key \/nonexistent\/key\.pem.*fix tls\.keyFile/,
    );
    const junk = path.join(path.dirname(certFile), 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(() => loadCertificate({ keyFile, certFile: junk }, '/', 'smpp-server')).toThrow(/smpp-server cannot use the TLS certificate/);
  });
});
