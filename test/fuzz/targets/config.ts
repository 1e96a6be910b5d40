// The config loader's validation: any value as a config gives a resolved config or NOWSMS_ERR_CONFIG that
// names a path, never another exception; mutations of a valid config included.
import fc from 'fast-check';
import { resolveConfig } from '../../../core/config.ts';
import { isNowsmsError } from '../../../core/index.ts';
import { broken, type FuzzTarget } from '../target.ts';

const valid = {
  dataDir: './data',
  domains: { sms: 'sms.example', mms: 'mms.example' },
  numbering: { countryCode: '44', nationalPrefix: '0', internationalPrefix: '00' },
  sms: { maxSegments: 10 },
  mms: { maxBytes: 307200, allowedTypes: ['image/*', 'text/plain'] },
  retry: { maxAttempts: 5, firstDelaySeconds: 10, stepSeconds: 10 },
  users: [{ name: 'alice', password: 'alice-secret-pw', smtpLogin: true, recipients: ['+447700900123'] }],
  log: { level: 'info' },
  plugins: [],
};

/** A valid config with one key replaced by any value (or removed). */
const mutatedConfig = fc
  .tuple(fc.constantFrom(...Object.keys(valid)), fc.option(fc.anything({ maxDepth: 3 }), { nil: undefined }))
  .map(([key, value]) => ({ ...valid, [key]: value }));

export const config: FuzzTarget = {
  name: 'config',
  about: 'resolveConfig of any value: a config, or NOWSMS_ERR_CONFIG naming where',
  property: () =>
    fc.property(fc.oneof(mutatedConfig, fc.anything({ maxDepth: 4 })), (raw) => {
      try {
        resolveConfig(raw, '/tmp');
      } catch (e) {
        if (!isNowsmsError(e)) broken(`not a NowsmsError: ${(e as Error).stack}`);
        if (e.code !== 'NOWSMS_ERR_CONFIG') broken(`code ${e.code}, not NOWSMS_ERR_CONFIG`);
      }
    }),
};
