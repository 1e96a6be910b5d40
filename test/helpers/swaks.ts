// swaks, a real SMTP client (PEERS.md), logged in as a test user: what it prints is what a user reads.
import { execFile } from 'node:child_process';

export interface SwaksResult {
  code: number;
  out: string;
  /** The server's last reply to the mail (`250 2.6.0 accepted as ...`, `554 5.6.1 ...`). */
  last: string;
}

export function swaks(port: number, user: string, password: string, args: string[]): Promise<SwaksResult> {
  const base = ['--server', '127.0.0.1', '--port', String(port), '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password];
  return new Promise((resolve) => {
    execFile(
      'swaks',
      [...base, '--from', `${user}@example.com`, ...args],
      { timeout: 60_000, env: { ...process.env, HOME: '/nonexistent' } },
      (err, stdout, stderr) => {
        const out = stdout + stderr;
        // The reply to DATA's end: the last server line before QUIT.
        const replies = out.split('\n').filter((l) => /^\s*<[-*~]+\s+\d{3}[ -]/.test(l));
        const quit = replies.findLastIndex((l) => /\s221[ -]/.test(l));
        const last = (quit > 0 ? replies[quit - 1] : replies.at(-1)) ?? '';
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, last: last.replace(/^\s*<[-*~]+\s+/, '') });
      },
    );
  });
}

/** swaks arguments that attach files, each with its content type and name. */
export function attachArgs(files: { type: string; name: string; path: string }[]): string[] {
  return files.flatMap((f) => ['--attach-type', f.type, '--attach-name', f.name, '--attach', `@${f.path}`]);
}
