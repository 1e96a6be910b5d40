// A nowsms.config.ts in a temp dir for the gateway as a process with one SMSC connection and no e-mail side.
import { writeConfig, type ConfigFile } from '../../../helpers/process.ts';

export function writeSmscConfig(opts: { smscPort: number; throughput?: number; window?: number }): Promise<ConfigFile> {
  return writeConfig({
    withoutEmail: true,
    imports: { '{ smppClient }': 'plugins/smpp/index.ts' },
    keys: 'retry: { maxAttempts: 20, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 },',
    plugins: [
      `smppClient({
      id: 'smsc',
      host: '127.0.0.1',
      port: ${opts.smscPort},
      systemId: 'nowsms',
      password: 'secret',
      anyTraffic: true,
      window: ${opts.window ?? 10},
      ${opts.throughput ? `throughput: ${opts.throughput},` : ''}
      reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 },
    })`,
    ],
  });
}
