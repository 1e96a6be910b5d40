// The package as an operator and a plug-in author get it: `npm pack` the gateway, install the tarball in a
// fresh project (dependencies from the npm registry or its cache, native ones built as npm builds them),
// build and test the plug-in template against it, install the template's own tarball, and run
// `node_modules/.bin/nowsms start` with a TypeScript config: a message injected with the CLI reaches the
// template's webhook. Run by `npm run test:package` (CI: .ci/run after `npm test`), not by `npm test`: the
// install builds better-sqlite3 from source (its prebuilt binaries come from GitHub), about 2 of its 3 minutes,
// which every `npm test` on a developer's machine would pay. Each step's seconds are printed at the end.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from 'nowsms';
import { freePort, startGatewayProcess, waitFor, type GatewayProcess } from 'nowsms/testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TEMPLATE = path.join(ROOT, 'examples/plugin-template');
const SECRET = 'package-check-secret-0123456789';
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** What a user's shell has: nothing of this project's test setup (the nowsms-source condition, npm run's variables). */
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('NOWSMS_') && k !== 'NODE_OPTIONS' && k !== 'VITEST' && k !== 'NODE_ENV'),
);

const timings: Record<string, number> = {};
function run(step: string, command: string, args: string[], cwd: string): string {
  const t = Date.now();
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  timings[step] = (timings[step] ?? 0) + (Date.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${step}: ${command} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const npmInstall = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let tmp: string;
let app: string;
let tarball: string;
let gateway: GatewayProcess | undefined;
const posts: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let webhookServer: http.Server;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-package-'));
  app = path.join(tmp, 'app');
});

afterAll(async () => {
  await gateway?.stop();
  await new Promise((r) => (webhookServer ? webhookServer.close(r) : r(undefined)));
  console.log(`package check timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
  rmSync(tmp, { recursive: true, force: true });
});

describe('the packed gateway', () => {
  it('packs the built gateway with bin, dist and declarations, and no tests, data or build state', () => {
    const [listing] = JSON.parse(run('pack', 'npm', ['pack', '--json', '--pack-destination', tmp], ROOT)) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, listing!.filename);
    const files = listing!.files.map((f) => f.path);
    for (const f of [
      'package.json',
      'bin/nowsms.js',
      'dist/core/index.js',
      'dist/core/index.d.ts',
      'dist/core/cli.js',
      'dist/testing/index.js',
      'dist/testing/index.d.ts',
      'dist/plugins/store-sqlite/index.js',
      'README.md',
    ])
      expect(files).toContain(f);
    expect(
      files.filter(
        (f) => /(^|\/)(test|data|node_modules|bench|examples)\//.test(f) || f.endsWith('.test.ts') || f.endsWith('.tsbuildinfo') || f.endsWith('.db'),
      ),
    ).toEqual([]);
  });

  it('installs from the tarball in a fresh project, and the plug-in template builds and passes its tests against it', () => {
    cpSync(TEMPLATE, path.join(app, 'nowsms-plugin-webhook'), {
      recursive: true,
      filter: (src) => !/(^|\/)(node_modules|dist)(\/|$)|\.tgz$/.test(path.relative(TEMPLATE, src)),
    });
    const template = JSON.parse(readFileSync(path.join(TEMPLATE, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    };
    // The project the operator makes: nowsms from the tarball, and what the template's build and tests need.
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'nowsms-package-check',
          private: true,
          type: 'module',
          dependencies: { ...template.dependencies, ...template.devDependencies, nowsms: `file:${tarball}` },
          allowScripts: { 'better-sqlite3': true, esbuild: true, '@serialport/bindings-cpp': true },
        },
        null,
        2,
      ),
    );
    run('install nowsms', 'npm', npmInstall, app);
    const plugin = path.join(app, 'nowsms-plugin-webhook');
    run('template typecheck', 'npm', ['run', 'typecheck'], plugin);
    run('template test', 'npm', ['test'], plugin);
    const [packed] = JSON.parse(run('template pack', 'npm', ['pack', '--json', '--pack-destination', app], plugin)) as {
      filename: string;
      files: { path: string }[];
    }[];
    expect(packed!.files.map((f) => f.path)).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'package.json']));
    run('install template', 'npm', [...npmInstall, `./${packed!.filename}`], app);
    expect(JSON.parse(readFileSync(path.join(app, 'node_modules/nowsms/package.json'), 'utf8')).version).toBe(version);
  });

  it('runs node_modules/.bin/nowsms with a TypeScript config, and a message injected with the CLI reaches the template webhook', async () => {
    webhookServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        posts.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((r) => webhookServer.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/sms`;
    const smtpPort = await freePort();
    writeFileSync(
      path.join(app, 'nowsms.config.ts'),
      `import { defineConfig, type NowsmsPlugin } from 'nowsms';
import { sqliteStore } from 'nowsms/plugins/store-sqlite';
import { smtp } from 'nowsms/plugins/smtp';
import { webhook } from 'nowsms-plugin-webhook';

const plugins: NowsmsPlugin[] = [sqliteStore(), smtp({ port: ${smtpPort} }), webhook({ url: ${JSON.stringify(url)}, secret: ${JSON.stringify(SECRET)} })];

export default defineConfig({ dataDir: './data', log: { level: 'info', pretty: false }, plugins });
`,
    );
    const bin = path.join(app, 'node_modules/.bin/nowsms');
    const t = Date.now();
    gateway = await startGatewayProcess({ config: path.join(app, 'nowsms.config.ts'), command: bin, env });
    timings['gateway start'] = (Date.now() - t) / 1000;
    const started = gateway.lines.find((l) => l.includes('gateway started'))!;
    expect(JSON.parse(started).connections).toMatchObject({ smtp: { state: 'up' }, webhook: { kind: 'webhook', state: 'up' } });

    const out = run(
      'inject',
      bin,
      ['inject', '--config', 'nowsms.config.ts', '--from', '+15550999', '--to', '+15550123', '--text', 'through the package', '--json'],
      app,
    );
    const { id, target } = JSON.parse(out) as { id: string; target: unknown };
    expect(target).toEqual({ kind: 'connection', id: 'webhook' });
    const post = await waitFor('the webhook to receive the injected message', () => posts.find((p) => p.body.includes(id)));
    expect(JSON.parse(post.body)).toMatchObject({ id, from: '+15550999', to: '+15550123', text: 'through the package' });
    expect(verifySignature(SECRET, String(post.headers['x-nowsms-signature']), post.body)).toBe(true);
    // Its history says so, as the operator's CLI lists it (the store records `sent` once the POST is answered).
    await waitFor('the message to be sent', () => {
      const list = JSON.parse(run('messages list', bin, ['messages', 'list', '--config', 'nowsms.config.ts', '--json'], app)) as {
        id: string;
        status: string;
      }[];
      return list.find((m) => m.id === id)?.status === 'sent';
    });
    expect(await gateway.stop()).toBe(0);
  });
});
