// The gateway as `npm start` runs it: built (dist/), no TypeScript loader, the example nowsms.config.ts bundled
// by the config loader. The rest of the suite runs the sources (the nowsms-source condition); this file makes
// sure what users run is the same gateway. And a config anywhere on disk finds nowsms by its name.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { missingPeer } from '../helpers/peers.ts';
import { curlPop3 } from '../helpers/pop3-fetch.ts';
import { cli, exampleEnv, ROOT, startExample, stopProcess } from '../helpers/process.ts';
import { swaks } from '../helpers/swaks.ts';

/** The environment without the nowsms-source condition that vitest.config.ts puts in NODE_OPTIONS. */
function built(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const nodeOptions = (env.NODE_OPTIONS ?? '').replace(/--conditions=nowsms-source/g, '').trim();
  return { ...env, NODE_OPTIONS: nodeOptions };
}

let gateway: ChildProcess | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway);
  gateway = undefined;
});

beforeAll(() => {
  // What `npm start` does first (prestart): an incremental build, so this tests the sources as they are now.
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
}, 240_000);

describe.skipIf(missingPeer('swaks') || missingPeer('curl'))('the built gateway', () => {
  it('runs the example config from dist/ with no TypeScript loader: alice mails bob an SMS, bob reads it over POP3', async () => {
    const { env: sourceEnv, smtpPort, pop3Port } = await exampleEnv();
    const env = built(sourceEnv);
    expect(cli(['users', 'add', 'alice', '--password', 'alice-pw', '--smtp-login', '--recipients', '+15550002222'], { env }).status).toBe(0);
    expect(cli(['users', 'add', 'bob', '--password', 'bob-pw', '--smtp-login', '--recipients', '+15550001111'], { env }).status).toBe(0);
    const started = await startExample(env);
    gateway = started.child;
    // The core that runs is the built one.
    const line = JSON.parse(started.lines.find((l) => l.includes('"gateway started"'))!) as { core: string };
    expect(line.core.startsWith(pathToFileURL(path.join(ROOT, 'dist')).href + '/')).toBe(true);

    const sent = await swaks(smtpPort, 'alice', 'alice-pw', ['--to', '15550001111@sms.localhost', '--body', 'built and running']);
    expect(sent.code, sent.out).toBe(0);
    const mail = await curlPop3(pop3Port, 'bob', 'bob-pw', '1');
    expect(mail).toContain('built and running');
    expect(mail).toMatch(/^From: .*15550002222@sms\.localhost/m);
  });

  it('loads a TypeScript config from any folder: nowsms found by its name, import.meta of the config its own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-anywhere-'));
    // A local helper that places the data next to itself, and a config in a folder with no node_modules.
    writeFileSync(path.join(dir, 'paths.ts'), `import path from 'node:path';\nexport const stateDir: string = path.join(import.meta.dirname, 'state');\n`);
    writeFileSync(
      path.join(dir, 'nowsms.config.ts'),
      `import { defineConfig } from 'nowsms';
import { sqliteStore } from 'nowsms/plugins/store-sqlite';
import { stateDir } from './paths.ts';
export default defineConfig({ dataDir: stateDir, users: [{ name: 'anywhere', password: 'pw' }], plugins: [sqliteStore()] });
`,
    );
    for (const env of [built(process.env), process.env]) {
      const r = cli(['users', 'list', '--config', path.join(dir, 'nowsms.config.ts')], { cwd: os.tmpdir(), env });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^anywhere /m);
    }
    expect(existsSync(path.join(dir, 'state'))).toBe(true);
    // The bundle is gone: nothing is left beside the config or in the temp dir.
    expect(readdirSync(dir).sort()).toEqual(['nowsms.config.ts', 'paths.ts', 'state']);
  });
});
