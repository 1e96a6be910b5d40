// A server plug-in's TLS certificate, read and checked at start: a bad path or PEM is a config error
// naming the file, not a failure at the first STARTTLS.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { NowsmsError } from './errors.ts';

export interface CertificateFiles {
  keyFile: string;
  certFile: string;
}

/** Files are relative to the config file's directory. `plugin` names who asks, in the error. */
export function loadCertificate(files: CertificateFiles, configDir: string, plugin: string): { key: Buffer; cert: Buffer } {
  const read = (file: string, what: 'key' | 'cert') => {
    try {
      return readFileSync(path.resolve(configDir, file));
    } catch (err) {
      throw new NowsmsError('NOWSMS_ERR_CONFIG', `${plugin} cannot read the TLS ${what} ${file}: ${(err as Error).message} (fix tls.${what}File)`, {
        cause: err,
      });
    }
  };
  const pair = { key: read(files.keyFile, 'key'), cert: read(files.certFile, 'cert') };
  try {
    tls.createSecureContext(pair);
  } catch (err) {
    throw new NowsmsError('NOWSMS_ERR_CONFIG', `${plugin} cannot use the TLS certificate ${files.certFile}: ${(err as Error).message}`, { cause: err });
  }
  return pair;
}
