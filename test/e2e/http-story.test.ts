// The HTTP interface as a newcomer meets it: the example config started as `npm start` starts it, with
// NOWSMS_HTTP_PORT; a user given the right with `nowsms users add --http-login`; an application sends with
// NowSMS's URL and reads the message back from the JSON API.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../helpers/peers.ts';
import { cli, exampleEnv, startExample, stopProcess } from '../helpers/process.ts';
import { curl } from '../plugins/http/curl.ts';

let gateway: ChildProcess | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway);
  gateway = undefined;
});

describe.skipIf(missingPeer('curl'))('the HTTP interface of the example config', () => {
  it('serves NOWSMS_HTTP_PORT to a user added with --http-login, and refuses one without it', async () => {
    const { env, httpPort } = await exampleEnv();
    expect(cli(['users', 'add', 'app', '--password', 'app-pw', '--http-login'], { env }).status).toBe(0);
    expect(cli(['users', 'add', 'mail', '--password', 'mail-pw', '--smtp-login'], { env }).status).toBe(0);
    expect(cli(['users', 'list'], { env }).stdout).toMatch(/^app\s+http\b/m);
    gateway = (await startExample(env)).child;

    const sent = await curl([`http://127.0.0.1:${httpPort}/?PhoneNumber=%2B447700900123&Text=hello+from+an+app&User=app&Password=app-pw`]);
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('Message Submitted');
    const id = /MessageID=([0-9a-z]+), Recipient=\+447700900123/.exec(sent.body)![1]!;
    const read = await curl(['-u', 'app:app-pw', `http://127.0.0.1:${httpPort}/api/v1/messages/${id}`]);
    const message = JSON.parse(read.body) as { to: string; status: string };
    // No connection in the example without NOWSMS_SMSC_URL or a modem: it waits, visible, as no-route.
    expect(message).toMatchObject({ to: '+447700900123', status: 'no-route' });

    const refused = await curl([`http://127.0.0.1:${httpPort}/?PhoneNumber=%2B447700900123&Text=hi&User=mail&Password=mail-pw`]);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('nowsms users set mail --http-login');
  });
});
