// A nowsms.config.ts in a temp dir for the gateway as a process with one SMSC connection (test/helpers/
// process.ts's writeConfig knows only smtp, pop3 and the store).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, type ConfigFile } from '../../../helpers/process.ts';

export function writeSmscConfig(opts: { smscPort: number; throughput?: number; window?: number }): ConfigFile {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-smsc-'));
  const file = path.join(dir, 'nowsms.config.ts');
  const imp = (p: string) => JSON.stringify(path.join(ROOT, p));
  writeFileSync(
    file,
    `import { defineConfig } from ${imp('core/index.ts')};
import { sqliteStore } from ${imp('plugins/store-sqlite/index.ts')};
import { smppClient } from ${imp('plugins/smpp/index.ts')};
export default defineConfig({
  dataDir: './data',
  log: { level: 'info', pretty: false },
  retry: { maxAttempts: 20, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 },
  plugins: [
    sqliteStore(),
    smppClient({
      id: 'smsc',
      host: '127.0.0.1',
      port: ${opts.smscPort},
      systemId: 'nowsms',
      password: 'secret',
      anyTraffic: true,
      window: ${opts.window ?? 10},
      ${opts.throughput ? `throughput: ${opts.throughput},` : ''}
      reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 },
    }),
  ],
});
`,
  );
  return { dir, file, dataDir: path.join(dir, 'data'), smtpPort: 0, pop3Port: 0 };
}
