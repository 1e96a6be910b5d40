// One copy of core per process: errors are recognised whichever copy made them, and a gateway that finds
// a second copy refuses to start with a message that says what to change.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isNowsmsError, isSendError, NowsmsError, SendError } from '../../core/index.ts';
import { isPduError, PduError } from '../../core/codecs/index.ts';
import { cli, ROOT, writeConfig } from '../helpers/process.ts';

describe('errors across copies of core', () => {
  it('are recognised by brand, with isNowsmsError/isSendError and with instanceof', async () => {
    vi.resetModules();
    // A query makes the module loader evaluate the file again: a second copy, as a second core would have.
    const copy = (file: string) => import(`${file}?second-copy`);
    const other = (await copy('../../core/errors.ts')) as typeof import('../../core/errors.ts');
    const otherPdu = (await copy('../../core/codecs/pdu/errors.ts')) as typeof import('../../core/codecs/pdu/errors.ts');
    expect(other.NowsmsError).not.toBe(NowsmsError);

    const permanent = new other.NowsmsError('NOWSMS_ERR_TOO_LONG', 'too long');
    expect(isNowsmsError(permanent)).toBe(true);
    expect(isNowsmsError(permanent, 'NOWSMS_ERR_TOO_LONG')).toBe(true);
    expect(isNowsmsError(permanent, 'NOWSMS_ERR_ADDRESS')).toBe(false);
    expect(permanent instanceof NowsmsError).toBe(true);

    const refused = new other.SendError('permanent', 'ESME_RINVDSTADR');
    expect(isSendError(refused)).toBe(true);
    expect(refused instanceof SendError).toBe(true);
    expect(isNowsmsError(refused)).toBe(false);
    expect(isPduError(new otherPdu.PduError('bad TP-UDL'))).toBe(true);

    // Plain errors and look-alikes are not taken for coded ones.
    expect(isNowsmsError(Object.assign(new Error('x'), { code: 'NOWSMS_ERR_TOO_LONG' }))).toBe(false);
    expect(isSendError({ failure: 'permanent' })).toBe(false);
    expect(new Error('x') instanceof NowsmsError).toBe(false);
  });

  it('a subclass of a branded error keeps the ordinary instanceof', () => {
    class Special extends NowsmsError {}
    expect(new Special('NOWSMS_ERR_USAGE', 'x') instanceof Special).toBe(true);
    expect(new NowsmsError('NOWSMS_ERR_USAGE', 'x') instanceof Special).toBe(false);
    expect(new Special('NOWSMS_ERR_USAGE', 'x') instanceof NowsmsError).toBe(true);
    expect(new PduError('x') instanceof PduError).toBe(true);
  });
});

describe('the start-up guard', () => {
  it('refuses to start when the config brings a second copy of core, naming both', async () => {
    const config = await writeConfig({
      imports: { '{ tsImport }': 'node_modules/tsx/dist/esm/api/index.mjs' },
      preamble: `
// A module graph of its own: what loading the config with tsImport used to do to every plug-in.
const other = await tsImport(${JSON.stringify(path.join(ROOT, 'core/index.ts'))}, import.meta.url);
const stray = other.definePlugin({ name: 'stray', setup() {} });`,
      plugins: ['stray'],
    });
    const r = cli(['start', '--config', config.file], { cwd: config.dir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/NOWSMS_ERR_PLUGIN/);
    expect(r.stderr).toMatch(/nowsms core is loaded 2 times in this process/);
  });

  it('a config in a folder without "type": "module" that imports a local .ts plug-in shares the gateway core', async () => {
    const config = await writeConfig({
      withoutEmail: true,
      imports: { '{ localPlugin }': 'LOCAL' },
      plugins: ['localPlugin'],
    });
    // The local plug-in throws core's permanent error at setup: recognised as such only with one core.
    writeFileSync(
      path.join(config.dir, 'local-plugin.ts'),
      `import { definePlugin, NowsmsError } from ${JSON.stringify(path.join(ROOT, 'core/index.ts'))};
export const localPlugin = definePlugin({ name: 'local', setup() { throw new NowsmsError('NOWSMS_ERR_CONFIG', 'local plug-in says: set plugins.local.key'); } });
`,
    );
    writeFileSync(config.file, readFileSync(config.file, 'utf8').replace(JSON.stringify(path.join(ROOT, 'LOCAL')), "'./local-plugin.ts'"));
    const r = cli(['start', '--config', config.file], { cwd: config.dir });
    expect(r.status).toBe(1);
    // A coded error is printed as the operator's message, not as a crash with a stack.
    expect(r.stderr).toMatch(/NOWSMS_ERR_CONFIG: local plug-in says: set plugins\.local\.key/);
    expect(r.stderr).not.toMatch(/loaded 2 times/);
  });
  it('a nowsms.config.js written with import, in a folder without "type": "module", loads', async () => {
    // A folder of its own: beside a nowsms.config.ts, tsx would resolve the .js path to the .ts file.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-js-config-'));
    const file = path.join(dir, 'nowsms.config.js');
    writeFileSync(
      file,
      `import { defineConfig } from ${JSON.stringify(path.join(ROOT, 'core/index.ts'))};
import { sqliteStore } from ${JSON.stringify(path.join(ROOT, 'plugins/store-sqlite/index.ts'))};
export default defineConfig({ dataDir: './data', users: [{ name: 'js', password: 'pw' }], plugins: [sqliteStore()] });
`,
    );
    const r = cli(['users', 'list', '--config', file], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^js /m);
  });
});
