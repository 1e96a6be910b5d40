// Reading settings from the environment in nowsms.config.ts: unset means the default, and a value that is
// set but unusable (an empty NOWSMS_SMTP_PORT= in a unit file) is an error naming the variable, never a
// silent fallback or a random port.
import { NowsmsError } from './errors.ts';

/** A TCP port from the environment variable `name`, or `fallback` when it is unset. */
export function envPort(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const v = env[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 1 || n > 65535)
    throw new NowsmsError(
      'NOWSMS_ERR_CONFIG',
      `${name}=${JSON.stringify(v)} is not a port (1-65535): set a port, or unset ${name} for the default ${fallback}`,
    );
  return n;
}
