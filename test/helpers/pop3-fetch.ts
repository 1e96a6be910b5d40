// Fetch a user's mailbox with curl, a POP3 client nobody here wrote.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { simpleParser, type ParsedMail } from 'mailparser';

const run = promisify(execFile);

export async function curlPop3(port: number, user: string, password: string, path = '', opts: { apop?: boolean; extra?: string[] } = {}): Promise<string> {
  const args = [
    '-s',
    '--max-time',
    '20',
    `pop3://127.0.0.1:${port}/${path}`,
    '-u',
    `${user}:${password}`,
    ...(opts.apop ? ['--login-options', 'AUTH=+APOP'] : []),
    ...(opts.extra ?? []),
  ];
  const { stdout } = await run('curl', args, { encoding: 'utf8' });
  return stdout;
}

/** Every message in the mailbox, parsed, oldest first (curl lists with LIST, then RETRs each). */
export async function fetchAll(port: number, user: string, password: string, opts: { apop?: boolean } = {}): Promise<ParsedMail[]> {
  const list = await curlPop3(port, user, password, '', opts);
  const numbers = list
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => l.split(' ')[0]!);
  const out: ParsedMail[] = [];
  for (const n of numbers) out.push(await simpleParser(await curlPop3(port, user, password, n, opts)));
  return out;
}
