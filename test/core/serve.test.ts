// The front door on its own, with a toy protocol over real sockets: caps per address and in all, the login
// deadline, the implicit-TLS port, and a stop that lets sessions finish.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/log.ts';
import { cleartextWarning, serve, type ServeOptions, type Server } from '../../core/serve.ts';
import { makeCertificate } from '../helpers/tls.ts';

/** A client that keeps what it hears and knows when the server closed. */
class Peer {
  text = '';
  closed = false;
  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (this.text += d));
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }
  static async open(port: number, localAddress = '127.0.0.1', secure?: { ca: Buffer }): Promise<Peer> {
    const socket = secure
      ? tls.connect({ port, host: '127.0.0.1', ca: secure.ca, servername: 'localhost' })
      : net.connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new Peer(socket);
  }
  async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; heard ${JSON.stringify(this.text)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const servers: Server[] = [];
const peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  for (const s of servers.splice(0)) await s.close();
});

/** A toy protocol: greets `hello <secure>`, `login` logs in, `work` answers `done` after `workMs` (a stop waits for it). */
async function start(over: Partial<ServeOptions> & { workMs?: number } = {}): Promise<Server> {
  const s = await serve({
    name: 'toy',
    host: '127.0.0.1',
    port: 0,
    maxSessions: 10,
    maxSessionsPerIp: 10,
    loginTimeoutSeconds: 60,
    cleartextLogins: false,
    log: silentLogger(),
    refusal: (why) => `no: ${why}\r\n`,
    session(conn) {
      let working: Promise<void> = Promise.resolve();
      const done = new Promise<void>((resolve) => conn.socket.once('close', () => resolve()));
      conn.socket.write(`hello ${conn.secure} ${conn.ip}\r\n`);
      conn.socket.on('data', (d: Buffer) => {
        const line = d.toString().trim();
        if (line === 'login') {
          conn.loggedIn();
          conn.socket.write('welcome\r\n');
        } else if (line === 'work') {
          conn.socket.write('working\r\n');
          working = new Promise((r) => setTimeout(r, over.workMs ?? 0)).then(() => void conn.socket.write('done\r\n'));
        }
      });
      return {
        done,
        shutdown: () => void working.then(() => conn.socket.end('bye\r\n')),
        loginTimeout: () => conn.socket.end('too slow\r\n'),
      };
    },
    ...over,
  });
  servers.push(s);
  return s;
}

const portOf = (s: Server, i = 0) => Number(s.listening[i]!.split(':').pop());

async function peer(port: number, from?: string, secure?: { ca: Buffer }): Promise<Peer> {
  const p = await Peer.open(port, from, secure);
  peers.push(p);
  return p;
}

describe('serve', () => {
  it('refuses an address over its cap with the protocol line while other addresses get in', async () => {
    const s = await start({ maxSessionsPerIp: 2 });
    for (let i = 0; i < 2; i++) {
      const p = await peer(portOf(s));
      await p.until(() => p.text.startsWith('hello'), 'the greeting');
    }
    for (let i = 0; i < 5; i++) {
      const over = await peer(portOf(s));
      await over.until(() => over.closed, 'the refusal');
      expect(over.text).toBe('no: too-many-from-ip\r\n');
    }
    const other = await peer(portOf(s), '127.0.0.2');
    await other.until(() => other.text.length > 0, 'the greeting');
    expect(other.text).toBe('hello false 127.0.0.2\r\n');
    expect(s.active).toBe(3);
  });

  it('refuses everyone with the busy line once the server is full', async () => {
    const s = await start({ maxSessions: 2, maxSessionsPerIp: 1 });
    await peer(portOf(s), '127.0.0.1');
    await peer(portOf(s), '127.0.0.2');
    const third = await peer(portOf(s), '127.0.0.3');
    await third.until(() => third.closed, 'the refusal');
    expect(third.text).toBe('no: busy\r\n');
  });

  it('closes a connection that does not log in by the deadline, and not one that did', async () => {
    const s = await start({ loginTimeoutSeconds: 0.5 });
    const user = await peer(portOf(s));
    user.socket.write('login\r\n');
    await user.until(() => user.text.includes('welcome'), 'the login');
    const idle = await peer(portOf(s));
    await idle.until(() => idle.closed, 'the deadline');
    expect(idle.text).toBe('hello false 127.0.0.1\r\ntoo slow\r\n');
    expect(user.closed).toBe(false);
  });

  it('speaks TLS from the first byte on tlsPort, and refuses there without a handshake', async () => {
    const files = makeCertificate();
    const certificate = { key: readFileSync(files.keyFile), cert: readFileSync(files.certFile) };
    const s = await start({ tlsPort: 0, certificate, maxSessionsPerIp: 1 });
    expect(s.listening).toHaveLength(2);
    const p = await peer(portOf(s, 1), '127.0.0.1', { ca: certificate.cert });
    await p.until(() => p.text.length > 0, 'the greeting');
    expect(p.text).toBe('hello true 127.0.0.1\r\n');
    // Over the cap on the TLS port: closed before any handshake (a reply would cost one per refusal).
    await expect(Peer.open(portOf(s, 1), '127.0.0.1', { ca: certificate.cert })).rejects.toThrow(/disconnected|ECONNRESET/);
  });

  it('on stop, takes no one new and lets a session finish its work before closing it', async () => {
    const s = await start({ workMs: 300 });
    const port = portOf(s);
    const p = await peer(port);
    await p.until(() => p.text.includes('hello'), 'the greeting');
    p.socket.write('work\r\n');
    await p.until(() => p.text.includes('working'), 'the work to start');
    await s.close();
    servers.length = 0;
    expect(p.text).toContain('working\r\ndone\r\nbye\r\n');
    await expect(Peer.open(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('warns about passwords in clear only beyond loopback', () => {
    expect(cleartextWarning('smtp', '127.0.0.1', false, true)).toBeUndefined();
    expect(cleartextWarning('smtp', '::1', false, true)).toBeUndefined();
    expect(cleartextWarning('smtp', '0.0.0.0', true, false)).toBeUndefined();
    expect(cleartextWarning('pop3', '0.0.0.0', false, true)).toMatch(/pop3 listens on 0\.0\.0\.0 without TLS: passwords cross the network in clear/);
    expect(cleartextWarning('smtp', '192.0.2.1', true, true)).toMatch(/lets clients log in without TLS/);
  });
});
