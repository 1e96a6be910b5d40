// The greeting comes at once: smtp-server's early-talker wait (100 ms before every 220, and `421 You talk
// too soon` to a client that spoke within it) is not applied by the gateway (see plugins/smtp/listener.ts).
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

/** Connect, send EHLO and AUTH without waiting for the greeting, and return everything the server said. */
async function talkAtOnce(socket: net.Socket, ready: string, user: string, password: string): Promise<string> {
  let said = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (said += chunk));
  await new Promise<void>((resolve, reject) => socket.once(ready, resolve).once('error', reject));
  const token = Buffer.from(`\0${user}\0${password}`).toString('base64');
  socket.write(`EHLO early.test\r\nAUTH PLAIN ${token}\r\n`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no AUTH reply; the server said: ${JSON.stringify(said)}`)), 10_000);
    socket.on('data', () => {
      if (/^(?:235|[45]\d\d) /m.test(said)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  socket.destroy();
  return said;
}

describe('greeting', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ pop3: false, tls: true, smtp: { tlsPort: 0 }, users: [{ name: 'alice', password: 'pw', recipients: ['+15550009999'] }] });
  });
  afterAll(() => gw.stop());

  it('answers a client that speaks before the 220 instead of refusing it', async () => {
    const said = await talkAtOnce(net.connect(gw.smtpPort, '127.0.0.1'), 'connect', 'alice', 'pw');
    expect(said).toMatch(/^220 /);
    expect(said).not.toMatch(/too soon/);
    expect(said).toMatch(/^250[ -]/m);
    expect(said).toMatch(/^235 /m);
  });

  it('does the same on the implicit-TLS port', async () => {
    const listening = gw.gateway.status()['smtp']!.listening as string[];
    const tlsPort = Number(listening[1]!.split(':').at(-1));
    const socket = tls.connect({ port: tlsPort, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' });
    const said = await talkAtOnce(socket, 'secureConnect', 'alice', 'pw');
    expect(said).toMatch(/^220 /);
    expect(said).toMatch(/^235 /m);
  });
});
