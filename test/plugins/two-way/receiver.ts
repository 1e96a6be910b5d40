// A local HTTP receiver for 2-way command tests: it records every call (method, path, query, headers,
// body) and answers as each path says. Nobody here wrote it for the gateway: it sees only what arrives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (call: Call, res: http.ServerResponse, nth: number) => void;

export interface Receiver {
  url: string;
  calls: Call[];
  /** The calls to a path. */
  to(path: string): Call[];
  stop(): Promise<void>;
}

export async function startReceiver(routes: Record<string, Handler>): Promise<Receiver> {
  const calls: Call[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://receiver');
      const call: Call = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      calls.push(call);
      open.add(res);
      res.on('close', () => open.delete(res));
      const handler = routes[u.pathname];
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such path');
        return;
      }
      handler(call, res, calls.filter((c) => c.path === u.pathname).length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    to: (path) => calls.filter((c) => c.path === path),
    stop: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export const text = (res: http.ServerResponse, body: string, status = 200) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
