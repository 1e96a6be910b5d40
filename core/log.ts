// One structured line per event; a human format when stdout is a terminal.
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { createRequire } from 'node:module';
import { logTail } from './log-tail.ts';

export type Logger = Pick<PinoLogger, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'child' | 'level'>;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export function createLogger(opts: { level?: LogLevel; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? 'info';
  const human = opts.pretty ?? Boolean(process.stdout.isTTY);
  // Every line also goes to the log tail (the admin `log` topic).
  const tee = (stream: DestinationStream) =>
    pino.multistream([
      { level, stream },
      { level, stream: logTail },
    ]);
  if (human) {
    // Loaded only for a terminal: a gateway run as a service never needs it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    return pino({ level }, tee(pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })));
  }
  return pino({ level, base: undefined }, tee(opts.destination ?? pino.destination({ sync: false })));
}

/** A logger that drops everything (tests, CLI commands that print their own output). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
