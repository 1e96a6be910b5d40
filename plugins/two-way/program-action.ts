// A program command: run without a shell (the program and its arguments as a list), the message on stdin
// and in NOWSMS_* environment variables; its exit status and stdout kept, stdout as the answer.
import { spawn } from 'node:child_process';
import type { Command } from './commands.ts';
import { excerpt, type Outcome } from './outcome.ts';
import { expand, PLACEHOLDERS, type Values } from './placeholders.ts';

/** sendmail's EX_TEMPFAIL: a program that exits with it is tried again later. */
export const EXIT_TEMPFAIL = 75;
const MAX_OUTPUT_BYTES = 64 * 1024;

export interface ProgramContext {
  signal: AbortSignal;
  timeoutMs: number;
  key: string;
}

export function programEnv(values: Values, key: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', NOWSMS_IDEMPOTENCY_KEY: key };
  if (process.env.LANG) env.LANG = process.env.LANG;
  for (const p of PLACEHOLDERS) env[`NOWSMS_${p}`] = values[p];
  return env;
}

export function runProgram(command: Command, values: Values, ctx: ProgramContext): Promise<Outcome> {
  const [program, ...args] = (command.action as string[]).map((a) => expand(a, values));
  const name = program!;
  return new Promise((resolve, reject) => {
    let out: Buffer = Buffer.alloc(0);
    let err: Buffer = Buffer.alloc(0);
    let timedOut = false;
    // No shell: each argument reaches the program as it is, whatever it contains.
    const child = spawn(name, args, { shell: false, env: programEnv(values, ctx.key), stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ctx.timeoutMs);
    const onAbort = () => child.kill('SIGKILL');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const take = (buf: Buffer, d: Buffer) => (buf.length < MAX_OUTPUT_BYTES ? Buffer.concat([buf, d]).subarray(0, MAX_OUTPUT_BYTES) : buf);
    child.stdout.on('data', (d: Buffer) => (out = take(out, d)));
    child.stderr.on('data', (d: Buffer) => (err = take(err, d)));
    // A program that does not read its stdin must not fail the command.
    child.stdin.on('error', () => {});
    child.stdin.end(values.FULLSMS);
    const done = () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      done();
      if (ctx.signal.aborted) return reject(ctx.signal.reason);
      resolve({ kind: 'final', detail: `${name}: cannot run it (${e.code ?? e.message}): check the path and that it is executable` });
    });
    child.once('close', (code, sig) => {
      done();
      if (ctx.signal.aborted) return reject(ctx.signal.reason);
      const stdout = out.toString('utf8');
      const stderr = excerpt(err.toString('utf8'), 120);
      if (timedOut) return resolve({ kind: 'retry', detail: `${name}: no exit within ${ctx.timeoutMs / 1000} s (killed)` });
      if (code === 0) {
        const answer = command.reply ? stdout.trim() : '';
        return resolve({
          kind: 'done',
          detail: `${name}: exit 0${answer ? `, answered "${excerpt(answer)}"` : ''}`,
          answers: answer ? [{ text: answer }] : [],
        });
      }
      const detail = `${name}: ${code === null ? `killed by ${sig}` : `exit ${code}`}${stderr ? `: ${stderr}` : ''}`;
      resolve(code === EXIT_TEMPFAIL ? { kind: 'retry', detail } : { kind: 'final', detail });
    });
  });
}
