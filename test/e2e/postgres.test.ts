// Two nodes on one PostgreSQL database, started as a user starts them: the example config with
// NOWSMS_DATABASE_URL set (postgresStore) and its own NOWSMS_NODE_ID, data dir and ports each. A mail sent
// to one node's SMTP server is fetched from the other node's POP3 server.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../helpers/peers.ts';
import { fetchAll } from '../helpers/pop3-fetch.ts';
import { missingPostgres, sharedPostgres, stopSharedPostgres } from '../helpers/postgres.ts';
import { cli, exampleEnv, startExample, stopProcess } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';
import { SmscSimulator } from '../plugins/smpp/smsc-simulator/index.ts';

const children: ChildProcess[] = [];
let sim: SmscSimulator | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) await stopProcess(c);
  await sim?.stop();
  sim = undefined;
});

/** The environments of two nodes of the example config on one fresh database. */
async function twoNodes(extra: Record<string, string> = {}) {
  const server = await sharedPostgres();
  const url = server.url(await server.createDatabase());
  const one = await exampleEnv({ NOWSMS_DATABASE_URL: url, NOWSMS_NODE_ID: 'one', ...extra });
  const two = await exampleEnv({ NOWSMS_DATABASE_URL: url, NOWSMS_NODE_ID: 'two', ...extra });
  return { one, two };
}
afterAll(stopSharedPostgres);

describe.skipIf(missingPostgres() || missingPeer('curl'))('two nodes on PostgreSQL', () => {
  it('a mail sent to one node lands in the mailbox the other node serves', async () => {
    const { one, two } = await twoNodes();
    // Users go into the shared database, whichever node's CLI adds them.
    for (const [name, recipients] of [
      ['alice', '+15550002222'],
      ['bob', '+15550001111'],
    ] as const) {
      const r = cli(['users', 'add', name, '--password', `${name}-pw`, '--smtp-login', '--recipients', recipients], { env: one.env });
      expect(r.status, r.stderr).toBe(0);
    }
    // What the README asks of every node: the same secret key (APOP secrets are encrypted with it).
    children.push((await startExample(one.env)).child);
    copyFileSync(path.join(one.dataDir, 'secret.key'), path.join(two.dataDir, 'secret.key'));
    children.push((await startExample(two.env)).child);

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: one.smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'alice', pass: 'alice-pw' },
    });
    const info = await transport.sendMail({ from: 'alice@example.org', to: '15550001111@sms.localhost', text: 'through PostgreSQL' });
    expect(info.response).toMatch(/^250/);

    const mails = await fetchAll(two.pop3Port, 'bob', 'bob-pw');
    expect(mails.map((m) => m.text!.trim())).toEqual(['through PostgreSQL']);
    // The store is the database: neither node made a SQLite file in its data dir.
    expect([one, two].map((n) => existsSync(path.join(n.dataDir, 'nowsms.db')))).toEqual([false, false]);
  });

  it("a node started without the first node's secret.key refuses to start and says which file to copy", async () => {
    const { one, two } = await twoNodes();
    const added = cli(['users', 'add', 'bob', '--password', 'bob-pw', '--smtp-login', '--recipients', '+15550001111'], { env: one.env });
    expect(added.status, added.stderr).toBe(0);
    // Node two has a key of its own: bob's APOP secret, sealed with node one's, would not open with it.
    await expect(startExample(two.env)).rejects.toThrow(/secret\.key is not the key the stored passwords were sealed with.*copy secret\.key/);
    copyFileSync(path.join(one.dataDir, 'secret.key'), path.join(two.dataDir, 'secret.key'));
    children.push((await startExample(two.env)).child);
    // An APOP login on node two: with the copied key bob's secret opens.
    const got = spawnSync('curl', ['-s', '-S', '--max-time', '20', '--login-options', 'AUTH=+APOP', `pop3://127.0.0.1:${two.pop3Port}/`, '-u', 'bob:bob-pw'], {
      encoding: 'utf8',
    });
    expect(got.status, got.stderr).toBe(0);
  });

  it('an SMS injected on one node goes out through the SMSC bind one node holds, and its receipt marks it delivered', async () => {
    sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret', receipts: true });
    const { one, two } = await twoNodes({ NOWSMS_SMSC_URL: `smpp://nowsms:secret@127.0.0.1:${sim.port}?receipts=1` });
    // No users with passwords here: no secret key to share.
    children.push((await startExample(one.env)).child);
    children.push((await startExample(two.env)).child);
    await waitFor('the SMSC bound', () => sim!.bound.length === 1);

    const injected = cli(['inject', '--mt', '--from', '+15550001111', '--to', '+447700900123', '--text', 'through the held bind', '--json'], { env: two.env });
    expect(injected.status, injected.stderr).toBe(0);
    await waitFor('the message at the SMSC', () => sim!.messages().some((m) => m.text === 'through the held bind'), 60_000);
    // Either node reads the same history: the receipt, taken by the holder, made it delivered.
    await waitFor(
      'delivered',
      () => (JSON.parse(cli(['messages', 'list', '--json'], { env: one.env }).stdout) as { status: string }[]).some((m) => m.status === 'delivered'),
      60_000,
    );
    // The bind is held by one node: the other stands by.
    expect(sim.bound).toHaveLength(1);
    expect(sim.messages().filter((m) => m.text === 'through the held bind')).toHaveLength(1);
  });
});
