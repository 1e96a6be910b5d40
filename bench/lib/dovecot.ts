// Dovecot as the POP3 reference: a standalone configuration in a temp dir (nothing from /etc/dovecot),
// one passwd-file user, a Maildir filled with exactly the bytes the gateway serves.
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startChild, stopChild, waitForPort, type Child } from './proc.ts';

export const DOVECOT = process.env.DOVECOT_BIN ?? '/usr/sbin/dovecot';

export interface DovecotSetup {
  dir: string;
  conf: string;
  port: number;
  log: string;
  maildir(user: string): string;
  /** The uid and gid the mail processes run as (and own the Maildirs). */
  owner: { uid: number; gid: number };
}

/** Dovecot refuses uid 0 for mail processes; as root, the mail belongs to nobody instead. */
function mailOwner(): { uid: number; gid: number } {
  const uid = process.getuid!();
  if (uid !== 0) return { uid, gid: process.getgid!() };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , u, g] = line?.split(':') ?? [];
  if (!u || !g) throw new Error('running as root, Dovecot needs a non-root user for mail, and there is no nobody in /etc/passwd');
  return { uid: Number(u), gid: Number(g) };
}

/**
 * Write the configuration. Dovecot's login processes may not run as root, so when the benchmark runs as
 * root they keep Dovecot's defaults (dovenull, dovecot); the mail process runs as the current uid.
 */
export function writeDovecotConfig(dir: string, port: number, users: Array<{ name: string; password: string }>): DovecotSetup {
  mkdirSync(dir, { recursive: true });
  // The auth process (user dovecot) must read the passwd-file.
  chmodSync(dir, 0o755);
  const usersFile = path.join(dir, 'users');
  writeFileSync(usersFile, users.map((u) => `${u.name}:{PLAIN}${u.password}`).join('\n') + '\n', { mode: 0o644 });
  const home = path.join(dir, 'home');
  const owner = mailOwner();
  const log = path.join(dir, 'dovecot.log');
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `# Written by bench/email.ts: a POP3-only Dovecot for the benchmark.
protocols = pop3
listen = 127.0.0.1
base_dir = ${path.join(dir, 'run')}
state_dir = ${path.join(dir, 'state')}
log_path = ${log}
ssl = no
auth_mechanisms = plain apop
disable_plaintext_auth = no
first_valid_uid = ${Math.min(owner.uid, 500)}
first_valid_gid = ${Math.min(owner.gid, 1)}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${usersFile}
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${home}/%u
}
mail_location = maildir:~/Maildir
service pop3-login {
  inet_listener pop3 {
    port = ${port}
  }
  inet_listener pop3s {
    port = 0
  }
}
`,
  );
  for (const u of users) for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(home, u.name, 'Maildir', sub), { recursive: true });
  return { dir, conf, port, log, owner, maildir: (user) => path.join(home, user, 'Maildir') };
}

/**
 * Put messages in a Maildir's cur/ as already-seen mail, the way Dovecot's own delivery names them
 * (S= the file size, W= the size with CRLF line ends, so Dovecot need not compute either).
 * The files get LF line ends, as Maildir files do; Dovecot sends them with CRLF.
 */
export function fillMaildir(setup: DovecotSetup, user: string, messages: Buffer[]): void {
  const maildir = setup.maildir(user);
  const base = Math.floor(Date.now() / 1000);
  messages.forEach((crlf, i) => {
    const lf = Buffer.from(crlf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const name = `${base + i}.M${i}P${process.pid}.bench,S=${lf.length},W=${crlf.length}:2,S`;
    writeFileSync(path.join(maildir, 'cur', name), lf);
  });
  chownTree(path.dirname(maildir), setup.owner);
}

function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  chownSync(dir, owner.uid, owner.gid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, owner);
    else chownSync(p, owner.uid, owner.gid);
  }
}

export async function startDovecot(setup: DovecotSetup): Promise<Child> {
  const child = startChild('dovecot', DOVECOT, ['-F', '-c', setup.conf]);
  await waitForPort(setup.port, child, 15_000);
  return child;
}

export { stopChild as stopDovecot };
