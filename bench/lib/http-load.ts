// The load of bench/http.ts: `messages` GET requests of a send URL from `clients` keep-alive connections,
// each request's latency, and how many were not accepted.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpLoadResult {
  elapsedMs: number;
  latenciesMs: number[];
  failed: number;
  firstFailure?: string;
}

export async function httpLoad(o: {
  port: number;
  clients: number;
  messages: number;
  path: (i: number) => string;
  ok: (status: number, body: string) => boolean;
}): Promise<HttpLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const latenciesMs: number[] = [];
  let next = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get({ host: '127.0.0.1', port: o.port, path: o.path(i), agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          latenciesMs.push(performance.now() - t0);
          if (!o.ok(res.statusCode ?? 0, body)) {
            failed++;
            firstFailure ??= `${res.statusCode} ${body.slice(0, 200)}`;
          }
          resolve();
        });
      });
      req.on('error', reject);
    });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: o.clients }, async () => {
      while (next < o.messages) await one(next++);
    }),
  );
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { elapsedMs, latenciesMs, failed, ...(firstFailure ? { firstFailure } : {}) };
}
