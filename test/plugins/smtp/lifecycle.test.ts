// Starting and stopping: the port is reported, and a stop neither hangs on idle clients nor leaves the port open.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { NowsmsError } from '../../../core/index.ts';
import { smtp } from '../../../plugins/smtp/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { RawSmtp } from './raw-client.ts';

describe('options', () => {
  it('names the field of a bad option', () => {
    expect(() => smtp({ subject: 'before' as never })).toThrow(NowsmsError);
    expect(() => smtp({ port: -1 })).toThrow(/plugins\.smtp\.port/);
    expect(() => smtp({ colour: 'red' } as never)).toThrow(/plugins\.smtp/);
  });

  it('names maxSessions when a config still says maxClients (one name for the three servers)', () => {
    expect(() => smtp({ maxClients: 50 } as never)).toThrow(/plugins\.smtp\.maxClients is now called maxSessions/);
  });

  it('takes tls: false, like the other servers: no STARTTLS even with the gateway certificate', async () => {
    const gw = await startTestGateway({ pop3: false, tls: true, smtp: { tls: false } });
    try {
      const { client } = await RawSmtp.connect(gw.smtpPort);
      expect((await client.command('EHLO c.test')).text).not.toMatch(/STARTTLS/);
      client.close();
    } finally {
      await gw.stop();
    }
  });
});

describe('stop', () => {
  it('tells an idle client 421, closes it and frees the port', async () => {
    const gw = await startTestGateway({ pop3: false, users: [{ name: 'alice', password: 'pw', recipients: ['+15550009999'] }] });
    const { client, greeting } = await RawSmtp.connect(gw.smtpPort);
    expect(greeting.code).toBe(220);
    await client.command('EHLO idle.test');
    const [goodbye] = await Promise.all([client.reply(), gw.stop()]);
    client.close();
    expect(goodbye.code).toBe(421);
    expect(gw.gateway.status()['smtp']).toMatchObject({ state: 'stopped', listening: [] });
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(gw.smtpPort, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('reports a taken port with the option to change', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startTestGateway({ pop3: false, smtp: { port } })).rejects.toThrow(
        /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\): choose another plugins\.smtp\.port/,
      );
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
