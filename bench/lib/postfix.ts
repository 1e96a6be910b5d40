// Postfix as the durable SMTP reference: Debian's postfix, run from a config dir of its own in the temp dir
// (nothing from /etc/postfix is read but the read-only install metadata, nothing there is written), on a
// loopback port, no AUTH, no DNS, every mail to the bench's domain delivered by virtual(8) into one Maildir.
// Like the gateway, Postfix answers 250 only once the queue file is fsynced (cleanup(8)).
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, startChild, stopChild, waitForPort, type Child } from './proc.ts';

export const POSTFIX = process.env.POSTFIX_BIN ?? '/usr/sbin/postfix';
const DAEMONS = process.env.POSTFIX_DAEMON_DIR ?? '/usr/lib/postfix/sbin';

export interface PostfixSetup {
  dir: string;
  config: string;
  port: number;
  log: string;
  /** The Maildir every accepted mail lands in. */
  maildir: string;
}

export const postfixInstalled = (): boolean => existsSync(POSTFIX) && existsSync(path.join(DAEMONS, 'master'));

/** uid and gid of a user in /etc/passwd (postfix's own, or nobody for the Maildir). */
function account(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const [, , u, g] = line?.split(':') ?? [];
  if (!u || !g) throw new Error(`Postfix needs the user ${name} (made by Debian's postfix package); /etc/passwd has none`);
  return { uid: Number(u), gid: Number(g) };
}

/**
 * Write main.cf and master.cf. Every service runs unchrooted (the chroot would need copies of /etc files);
 * the mail is owned by nobody, as Postfix's virtual(8) refuses root.
 */
export function writePostfixConfig(dir: string, port: number, domain: string): PostfixSetup {
  const config = path.join(dir, 'conf');
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  const mail = path.join(dir, 'mail');
  for (const d of [config, queue, data, mail]) mkdirSync(d, { recursive: true });
  const postfix = account('postfix');
  const mailOwner = account('nobody');
  chownSync(data, postfix.uid, postfix.gid);
  chownSync(mail, mailOwner.uid, mailOwner.gid);
  const log = path.join(dir, 'postfix.log');
  writeFileSync(
    path.join(config, 'main.cf'),
    `# Written by bench/email.ts: Postfix on a loopback port for the SMTP comparison.
compatibility_level = 3.6
queue_directory = ${queue}
data_directory = ${data}
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.bench.localhost
mydomain = bench.localhost
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# No AUTH (the clients skip it), open to 127.0.0.1, no relay elsewhere.
smtpd_sasl_auth_enable = no
smtpd_client_restrictions =
smtpd_helo_restrictions =
smtpd_sender_restrictions =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
# No DNS: no reverse lookup of the client, no MX lookups.
smtpd_peername_lookup = no
smtp_host_lookup = native
smtp_dns_support_level = disabled
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = no
virtual_mailbox_domains = ${domain}
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = static:bench/
virtual_uid_maps = static:${mailOwner.uid}
virtual_gid_maps = static:${mailOwner.gid}
virtual_minimum_uid = 1
maillog_file = ${log}
maillog_file_prefixes = ${dir}
`,
  );
  // The services a virtual-delivery Postfix uses, as Debian's master.cf has them, chroot off.
  writeFileSync(
    path.join(config, 'master.cf'),
    `# Written by bench/email.ts.
127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
virtual   unix  - n n -  - virtual
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
`,
  );
  return { dir, config, port, log, maildir: path.join(mail, 'bench') };
}

/** `postfix check` makes the queue directories with their owners; then master(8) in the foreground, our child. */
export async function startPostfix(setup: PostfixSetup): Promise<Child> {
  await run('postfix check', POSTFIX, ['-c', setup.config, 'check']);
  const child = startChild('postfix master', path.join(DAEMONS, 'master'), ['-c', setup.config, '-s']);
  try {
    await waitForPort(setup.port, child, 15_000);
  } catch (e) {
    await stopChild(child);
    throw new Error(`${(e as Error).message}\n${tail(setup.log)}`);
  }
  return child;
}

/** Mails delivered into the Maildir so far. */
export function delivered(setup: PostfixSetup): number {
  const dir = path.join(setup.maildir, 'new');
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}
