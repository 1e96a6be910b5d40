// The admin interface: a running gateway answers JSON requests on a Unix socket in its data directory
// (mode 0600: only the gateway's own user may ask). `nowsms status` and the terminal UI use it; nothing
// outside the gateway reads its tables.
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { NowsmsError } from './errors.ts';
import type { Logger } from './log.ts';

export type AdminHandler = (request: { command: string; [k: string]: unknown }) => Promise<unknown>;

export function adminSocketPath(dataDir: string): string {
  return path.join(dataDir, 'admin.sock');
}

export async function listenAdmin(socketPath: string, handle: AdminHandler, log: Logger): Promise<() => Promise<void>> {
  // A socket left by a gateway that was killed: remove it unless a live gateway still answers on it.
  if (existsSync(socketPath)) {
    const alive = await new Promise<boolean>((resolve) => {
      const c = net.connect(socketPath, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (alive) throw new NowsmsError('NOWSMS_ERR_CONFIG', `another gateway is running on this data directory (${socketPath} answers): stop it first`);
    unlinkSync(socketPath);
  }
  const server = net.createServer((socket) => {
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 1 << 20) return socket.destroy();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        void (async () => {
          let reply: unknown;
          try {
            const req = JSON.parse(line) as { command?: unknown };
            if (typeof req.command !== 'string') throw new NowsmsError('NOWSMS_ERR_USAGE', 'request needs a command');
            reply = { ok: true, result: await handle(req as { command: string }) };
          } catch (e) {
            reply = { ok: false, error: { code: (e as NowsmsError).code ?? 'NOWSMS_ERR_USAGE', message: (e as Error).message } };
          }
          if (!socket.destroyed) socket.write(JSON.stringify(reply) + '\n');
        })();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  log.debug({ socket: socketPath }, 'admin interface listening');
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      try {
        unlinkSync(socketPath);
      } catch {
        // already gone
      }
    });
}

/** Ask a running gateway; undefined when none answers on the socket. */
export async function askAdmin(socketPath: string, request: { command: string; [k: string]: unknown }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const c = net.connect(socketPath);
    let buf = '';
    c.setEncoding('utf8');
    c.on('connect', () => c.write(JSON.stringify(request) + '\n'));
    c.on('data', (d: string) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i < 0) return;
      c.destroy();
      const reply = JSON.parse(buf.slice(0, i)) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
      if (reply.ok) resolve(reply.result);
      else reject(new NowsmsError((reply.error?.code ?? 'NOWSMS_ERR_USAGE') as never, reply.error?.message ?? 'admin request failed'));
    });
    c.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? resolve(undefined) : reject(e)));
  });
}
