// 2-way commands with the gateway as a process (`nowsms start --config`): MO from two SMSC simulators, a
// local HTTP receiver that records calls, a program that echoes its arguments and stdin, mailto: to a local
// user read over POP3 with curl and to another domain through an SMTP sink; the answers come back as SMS
// over the SMSC the message came in on.
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../../core/index.ts';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { freePort, ROOT, startProcess, stopProcess, writeConfig, type ConfigFile } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/wait.ts';
import { openSqliteStore } from '../../../plugins/store-sqlite/index.ts';
import { SmscSimulator } from '../smpp/smsc-simulator/index.ts';
import { startReceiver, text, type Receiver } from './receiver.ts';

const execFileAsync = promisify(execFile);
const SECRET = 'a shared secret of 32 characters';
const OWN_NUMBER = '+15550001111';

let simA: SmscSimulator;
let simB: SmscSimulator;
let receiver: Receiver;
let config: ConfigFile;
let gateway: ChildProcess | undefined;
let sink: SMTPServer;
const mails: ParsedMail[] = [];
let held: (() => void) | undefined;
let programDir: string;

function smsc(id: string, port: number, anyTraffic: boolean): string {
  return `smppClient({ id: '${id}', host: '127.0.0.1', port: ${port}, systemId: 'nowsms', password: 'secret', anyTraffic: ${anyTraffic}, reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 } })`;
}

/**
 * The MO messages from this sender, newest first, with their history (the CLI, as an operator reads them).
 * Run asynchronously: the receiver and the simulators live in this process and must go on answering.
 */
async function messagesFrom(from: string): Promise<MessageSummary[]> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [path.join(ROOT, 'bin/nowsms.js'), 'messages', 'list', '--json', '--limit', '1000', '--config', config.file],
    {
      encoding: 'utf8',
    },
  );
  return (JSON.parse(stdout) as MessageSummary[]).filter((m) => m.direction === 'MO' && m.from === from);
}

async function finalStatusOf(from: string): Promise<MessageSummary> {
  return waitFor(`the command for ${from} to finish`, async () => (await messagesFrom(from)).find((m) => m.status === 'sent' || m.status === 'failed'), 30_000);
}

/** The SMS a simulator was asked to send to this number (the reply). */
function repliesAt(sim: SmscSimulator, to: string): string[] {
  return sim
    .messages()
    .filter((m) => m.to === to.replace(/^\+/, ''))
    .map((m) => m.text);
}

async function mo(sim: SmscSimulator, from: string, body: string, to = OWN_NUMBER): Promise<void> {
  for (const status of await sim.deliverMo({ from, to, text: body })) expect(status).toBe(0);
}

beforeAll(async () => {
  simA = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
  simB = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
  receiver = await startReceiver({
    '/weather': (c, res) => text(res, `Sunny in ${c.query.get('q')}`),
    '/form': (_c, res) => text(res, ''),
    '/json': (_c, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    '/missing': (_c, res) => text(res, 'no such thing', 404),
    '/busy': (_c, res, nth) => (nth === 1 ? text(res, 'busy', 503) : text(res, 'second time lucky')),
    // The first call gets no answer within the command's timeout.
    '/slow': (_c, res, nth) => (nth === 1 ? undefined : text(res, 'in time')),
    '/redir': (c, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:8800/?PhoneNumber=${encodeURIComponent(c.query.get('from')!)}&Text=Redirected%20answer` }).end(),
    '/hold': (_c, res, nth) => (nth === 1 ? undefined : text(res, 'held, then answered')),
    '/hang': (_c, res, nth) => {
      if (nth === 1) held = () => res.destroy();
      else text(res, 'answered after the restart');
    },
  });
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => mails.push(m))
        .then(() => cb(), cb);
    },
  });
  const sinkPort = await freePort();
  await new Promise<void>((r) => sink.listen(sinkPort, '127.0.0.1', r));

  programDir = (await writeConfig({ withoutEmail: true })).dir; // a place for the program and its output
  const program = path.join(programDir, 'echo-args.sh');
  writeFileSync(
    program,
    `#!/bin/sh
# Writes what it was given (each argument on its own line, then stdin, then an environment variable) to $1.
out="$1"; shift
{ for a in "$@"; do printf 'ARG<%s>\\n' "$a"; done; printf 'STDIN<'; cat; printf '>\\nENV<%s>\\n' "$NOWSMS_SENDER"; } > "$out"
printf 'ran for %s' "$NOWSMS_SENDER"
`,
  );
  chmodSync(program, 0o755);
  const R = receiver.url;
  const commands = [
    {
      keyword: 'WEATHER',
      action: `${R}/weather?from=@@SENDER@@&to=@@RECIP@@&q=@@SMS@@&full=@@FULLSMS@@&kw=@@smsprefix@@&id=@@MessageId@@&route=@@SMSCROUTE@@&d=@@MSGDATE@@&t=@@MSGTIME@@&bin=@@BINARY@@`,
    },
    { keyword: 'FORM', action: `${R}/form`, method: 'POST' },
    { keyword: 'JSON', action: `${R}/json`, method: 'POST', body: 'json', fields: { who: '@@SENDER@@', said: '@@SMS@@' } },
    { keyword: 'MISSING', action: `${R}/missing` },
    { keyword: 'BUSY', action: `${R}/busy` },
    { keyword: 'SLOW', action: `${R}/slow`, timeoutSeconds: 2 },
    { keyword: 'REDIR', action: `${R}/redir?from=@@SENDER@@` },
    { keyword: 'RUN', action: [program, path.join(programDir, 'run.txt'), '@@SMS@@', '@@SENDER@@'] },
    { keyword: 'MAILOUT', action: 'mailto:ops@example.org' },
    { keyword: 'HANG', action: `${R}/hang` },
    { keyword: 'HOLD', action: `${R}/hold` },
    { keyword: '*', receiveNumber: OWN_NUMBER, action: 'mailto:carol@mms.localhost' },
  ];
  config = await writeConfig({
    imports: { '{ smppClient }': 'plugins/smpp/index.ts', '{ twoWay }': 'plugins/two-way/index.ts' },
    keys: `users: [
      { name: 'carol', password: 'carol-pw', smtpLogin: true },
      { name: 'dave', password: 'dave-pw', smtpLogin: true, recipients: ['+15550003333'] },
    ],
    retry: { maxAttempts: 20, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 },`,
    plugins: [
      smsc('smsc-a', simA.port, true),
      smsc('smsc-b', simB.port, false),
      `twoWay({
        commands: ${JSON.stringify(commands)},
        retry: { maxAttempts: 3, firstDelaySeconds: 0.2, stepSeconds: 0.2 },
        signature: { secret: ${JSON.stringify(SECRET)} },
        smarthost: { host: '127.0.0.1', port: ${sinkPort} },
      })`,
    ],
  });
  gateway = (await startProcess(config)).child;
  await waitFor('both SMSCs bound', () => simA.bound.length > 0 && simB.bound.length > 0);
}, 60_000);

afterAll(async () => {
  held?.();
  if (gateway) await stopProcess(gateway, 'SIGKILL');
  await Promise.all([simA?.stop(), simB?.stop(), receiver?.stop(), new Promise<void>((r) => (sink ? sink.close(() => r()) : r()))]);
});

describe('2-way commands, the gateway as a process', () => {
  it('WEATHER calls the URL with every placeholder URL-encoded, signed, and the text answer comes back over the SMSC the message came in on', async () => {
    const from = '+447700900101';
    const said = 'London & Paris +1 😀 100%';
    await mo(simB, from, `WEATHER ${said}`);
    await waitFor('the reply at SMSC B', () => repliesAt(simB, from).length > 0, 30_000);
    expect(repliesAt(simB, from)).toEqual([`Sunny in ${said}`]);
    expect(simB.messages().find((m) => m.to === from.slice(1))!.from).toBe(OWN_NUMBER.slice(1));
    expect(repliesAt(simA, from)).toEqual([]);

    const [call] = receiver.to('/weather').filter((c) => c.query.get('from') === from);
    const q = Object.fromEntries(call!.query);
    expect(q).toMatchObject({ from, to: OWN_NUMBER, q: said, full: `WEATHER ${said}`, kw: 'WEATHER', route: 'smsc-b', bin: '0' });
    expect(q.d).toMatch(/^\d{8}$/);
    expect(q.t).toMatch(/^\d{6}$/);
    expect(call!.headers['idempotency-key']).toBe(`nowsms-${q.id}`);
    // A GET's signature covers the timestamp and the request target (path and query) as sent.
    const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(call!.headers['x-nowsms-signature']))!;
    expect(sig[2]).toBe(createHmac('sha256', SECRET).update(`${sig[1]}.${call!.url}`).digest('hex'));

    const m = await finalStatusOf(from);
    expect(m.id).toBe(q.id);
    expect(m.status).toBe('sent');
    expect(m.target).toEqual({ kind: 'command', id: 'WEATHER' });
    expect(m.history.map((h) => h.status)).toEqual(['received', 'sent']);
    expect(m.history[1]!.detail).toMatch(/^attempt 1: GET 127\.0\.0\.1:\d+: HTTP 200, answered "Sunny in London/);
  });

  it('the keyword is any case; a number routed to a user goes to that user, not to the command', async () => {
    await mo(simA, '+447700900102', 'weather lisbon');
    await waitFor('the reply', () => repliesAt(simA, '+447700900102').length > 0, 30_000);
    expect(repliesAt(simA, '+447700900102')).toEqual(['Sunny in lisbon']);

    const before = receiver.to('/weather').length;
    await mo(simA, '+447700900103', 'WEATHER for dave', '+15550003333');
    const mail = await waitFor('dave has it over POP3', async () => (await fetchAll(config.pop3Port, 'dave', 'dave-pw'))[0]);
    expect(mail.text!.trim()).toBe('WEATHER for dave');
    expect(receiver.to('/weather')).toHaveLength(before);
  });

  it.skipIf(missingPeer('curl'))('* to the modem number mails a local user: carol reads it over POP3 with curl', async () => {
    await mo(simA, '+447700900104', 'Hello carol, 你好');
    const mail = await waitFor('carol has it over POP3', async () => (await fetchAll(config.pop3Port, 'carol', 'carol-pw'))[0]);
    expect(mail.text!.trim()).toBe('Hello carol, 你好');
    expect(mail.from!.value[0]!.address).toBe('+447700900104@sms.localhost');
    const [m] = await messagesFrom('+447700900104');
    expect(m!.status).toBe('in-mailbox');
  });

  it('POST as a form and as JSON carries the text exactly (& + % and UTF-8)', async () => {
    const said = 'a&b=c+d %20 ü';
    await mo(simA, '+447700900105', `FORM ${said}`);
    const form = await waitFor('the form POST', () => receiver.to('/form')[0]);
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const fields = new URLSearchParams(form.body.toString('utf8'));
    expect(fields.get('sms')).toBe(said);
    expect(fields.get('sender')).toBe('+447700900105');
    expect(fields.get('smsprefix')).toBe('FORM');
    const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(form.headers['x-nowsms-signature']))!;
    expect(sig[2]).toBe(
      createHmac('sha256', SECRET)
        .update(`${sig[1]}.${form.body.toString('utf8')}`)
        .digest('hex'),
    );

    await mo(simA, '+447700900106', 'JSON hi "there"\nsecond line');
    const json = await waitFor('the JSON POST', () => receiver.to('/json')[0]);
    expect(JSON.parse(json.body.toString('utf8'))).toEqual({ who: '+447700900106', said: 'hi "there"\nsecond line' });
    // A JSON answer is not text: nothing is sent back.
    expect((await finalStatusOf('+447700900106')).status).toBe('sent');
    expect(repliesAt(simA, '+447700900106')).toEqual([]);
  });

  it('an HTTP error status is final: failed, called once, the status in the history', async () => {
    await mo(simA, '+447700900107', 'MISSING thing');
    const m = await finalStatusOf('+447700900107');
    expect(m.status).toBe('failed');
    expect(m.history.at(-1)!.detail).toMatch(/^attempt 1: GET 127\.0\.0\.1:\d+: HTTP 404 Not Found: no such thing$/);
    expect(receiver.to('/missing')).toHaveLength(1);
  });

  it('a 503 and a timeout are retried with the same idempotency key; every attempt is in the history', async () => {
    await mo(simA, '+447700900108', 'BUSY now');
    await mo(simA, '+447700900109', 'SLOW please');
    const busy = await finalStatusOf('+447700900108');
    expect(busy.status).toBe('sent');
    expect(busy.history.map((h) => h.status)).toEqual(['received', 'retrying', 'sent']);
    expect(busy.history[1]!.detail).toMatch(/^attempt 1: .*HTTP 503 Service Unavailable: busy; next attempt in 0.2 s$/);
    expect(busy.history[2]!.detail).toMatch(/^attempt 2: .*answered "second time lucky"/);
    const keys = receiver.to('/busy').map((c) => c.headers['idempotency-key']);
    expect(keys).toEqual([`nowsms-${busy.id}`, `nowsms-${busy.id}`]);
    await waitFor('the reply', () => repliesAt(simA, '+447700900108').length > 0);
    expect(repliesAt(simA, '+447700900108')).toEqual(['second time lucky']);

    const slow = await finalStatusOf('+447700900109');
    // The first call never answers; on a loaded machine a second may be slow too (the timeout is short here).
    const statuses = slow.history.map((h) => h.status);
    expect([statuses[0], statuses.at(-1), ...new Set(statuses.slice(1, -1))]).toEqual(['received', 'sent', 'retrying']);
    expect(slow.history[1]!.detail).toMatch(/no answer within 2 s/);
    await waitFor('the reply', () => repliesAt(simA, '+447700900109').length > 0);
    expect(repliesAt(simA, '+447700900109')).toEqual(['in time']);
  });

  it("a redirect to the gateway's send URL is the reply", async () => {
    await mo(simB, '+447700900110', 'REDIR me');
    await waitFor('the reply', () => repliesAt(simB, '+447700900110').length > 0, 30_000);
    expect(repliesAt(simB, '+447700900110')).toEqual(['Redirected answer']);
    expect((await finalStatusOf('+447700900110')).history.at(-1)!.detail).toMatch(/HTTP 302, redirected to the send URL/);
  });

  it('a program gets the text as data: ; rm -rf /, $(...), backticks and newlines never reach a shell', async () => {
    const canary = path.join(programDir, 'pwned');
    const said = `; rm -rf / ; touch ${canary} $(touch ${canary}2) \`touch ${canary}3\`\nline two`;
    await mo(simA, '+447700900111', `RUN ${said}`);
    await waitFor('the reply', () => repliesAt(simA, '+447700900111').length > 0, 30_000);
    expect(repliesAt(simA, '+447700900111')).toEqual(['ran for +447700900111']);
    expect(readFileSync(path.join(programDir, 'run.txt'), 'utf8')).toBe(`ARG<${said}>\nARG<+447700900111>\nSTDIN<RUN ${said}>\nENV<+447700900111>\n`);
    for (const f of [canary, `${canary}2`, `${canary}3`]) expect(existsSync(f)).toBe(false);
    const m = await finalStatusOf('+447700900111');
    expect(m.history.at(-1)!.detail).toMatch(/echo-args\.sh: exit 0, answered "ran for \+447700900111"/);
  });

  it('mailto: another domain goes through the smarthost, from the sender at the SMS domain', async () => {
    await mo(simA, '+447700900112', 'MAILOUT the boiler is broken');
    const mail = await waitFor('the mail at the sink', () => mails.find((m) => m.text?.includes('boiler')));
    expect(mail.from!.value[0]!.address).toBe('+447700900112@sms.localhost');
    expect((mail.to as { value: { address: string }[] }).value[0]!.address).toBe('ops@example.org');
    expect(mail.text!.trim()).toBe('MAILOUT the boiler is broken');
    expect(mail.headers.get('idempotency-key')).toMatch(/^nowsms-/);
    expect((await finalStatusOf('+447700900112')).status).toBe('sent');
  });

  it('kill -9 while a call is in flight: after the restart it is called once more, with the same key, and answered', async () => {
    await mo(simA, '+447700900113', 'HANG on');
    await waitFor('the call in flight', () => receiver.to('/hang').length === 1);
    // The reactor's cursor has passed the message (commands are started, not waited for): only the
    // watermark, which stays below a command until its outcome is stored, brings it back.
    const store = await openSqliteStore(path.join(config.dataDir, 'nowsms.db'));
    try {
      const id = receiver.to('/hang')[0]!.headers['idempotency-key']!.toString().replace('nowsms-', '');
      const seq = (await store.events.changesSince(0, 100_000)).find((c) => c.messageId === id && c.status === 'received')!.seq;
      await waitFor('the reactor cursor past the message', async () => ((await store.events.cursor('two-way:commands')) ?? 0) >= seq);
      expect(await store.events.cursor('two-way:finished')).toBeLessThan(seq);
    } finally {
      await store.close();
    }
    const others = receiver.calls.filter((c) => c.path !== '/hang').length;
    gateway!.kill('SIGKILL');
    await new Promise((r) => gateway!.once('exit', r));
    held?.();
    gateway = (await startProcess(config)).child;
    await waitFor('the reply after the restart', () => repliesAt(simA, '+447700900113').length > 0, 30_000);
    expect(repliesAt(simA, '+447700900113')).toEqual(['answered after the restart']);
    const m = await finalStatusOf('+447700900113');
    expect(m.status).toBe('sent');
    const calls = receiver.to('/hang');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.headers['idempotency-key'])).toEqual([`nowsms-${m.id}`, `nowsms-${m.id}`]);
    // What had finished before the kill (its outcome stored) was not run again.
    expect(receiver.calls.filter((c) => c.path !== '/hang')).toHaveLength(others);
  }, 60_000);

  it('a stop (SIGTERM) while a call is in flight records nothing: the next start calls again and finishes it', async () => {
    await mo(simA, '+447700900114', 'HOLD on');
    await waitFor('the call in flight', () => receiver.to('/hold').length === 1);
    await stopProcess(gateway!);
    const [stopped] = await messagesFrom('+447700900114');
    expect(stopped!.status).toBe('received');
    gateway = (await startProcess(config)).child;
    await waitFor('the reply after the restart', () => repliesAt(simA, '+447700900114').length > 0, 30_000);
    expect(repliesAt(simA, '+447700900114')).toEqual(['held, then answered']);
    expect(receiver.to('/hold')).toHaveLength(2);
    expect((await finalStatusOf('+447700900114')).history.map((h) => h.status)).toEqual(['received', 'sent']);
  }, 60_000);
});
