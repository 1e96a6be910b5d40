/** @jsxRuntime automatic @jsxImportSource react */
// `nowsms tui [--readonly] [--no-color] [--config <file>]`: the terminal UI. bin/nowsms.js sends `tui` here
// so that core never loads Ink or React. It finds the gateway as `nowsms status` does (the config's data
// directory, NOWSMS_DATA_DIR), and talks to it only through the admin socket.
import { parseArgs } from 'node:util';
import type { AdminCommandName, AdminCommands } from '../core/admin/protocol.ts';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Through the package's own name: this file runs from tui/ or from dist/tui/.
const BIN = path.join(path.dirname(fileURLToPath(import.meta.resolve('nowsms/package.json'))), 'bin/nowsms.js');

const USAGE = `usage: nowsms tui [--readonly] [--no-color] [--config <file>]

  --readonly   look only: retry, delete and user changes are off
  --no-color   no colours (so does NO_COLOR in the environment)
`;

/** NO_COLOR (any non-empty value, https://no-color.org) or --no-color: chalk and Ink do not read NO_COLOR themselves. */
export function colorWanted(noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !noColorFlag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** The CLI's path for users when no gateway runs: the same admin command, on the store, in this process. */
function offlineUsers(configFile: string | undefined) {
  return async <C extends AdminCommandName>(command: C, params: AdminCommands[C]['request']): Promise<AdminCommands[C]['result']> => {
    // Loaded only when used: the config brings in every plug-in, which a TUI watching a gateway never needs.
    const [{ loadConfig }, { Gateway }, { silentLogger }] = await Promise.all([
      import('../core/config.ts'),
      import('../core/gateway.ts'),
      import('../core/log.ts'),
    ]);
    const gw = await Gateway.open(await loadConfig(configFile), { log: silentLogger() });
    try {
      return (await gw.admin.call(command, params)) as AdminCommands[C]['result'];
    } finally {
      await gw.stop();
    }
  };
}

/**
 * The gateway's data directory, as `nowsms status` finds it: the config's (the default config reads
 * NOWSMS_DATA_DIR). The config is read in a short-lived child process, so that its plug-ins (SQLite, SMPP, HTTP servers) never load here.
 */
function findGateway(configFile: string | undefined): { dataDir: string; socket: string } {
  const r = spawnSync(process.execPath, [BIN, 'tui', '--print-gateway', ...(configFile ? ['--config', configFile] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new Error(r.stderr.trim().replace(/^nowsms: /, '') || `reading the config failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as { dataDir: string; socket: string };
}

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        readonly: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        // Internal: what findGateway asks a child process.
        'print-gateway': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`nowsms: NOWSMS_ERR_USAGE: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values['print-gateway']) {
    const { loadConfig } = await import('../core/config.ts');
    const { isNowsmsError } = await import('../core/errors.ts');
    const { adminSocketPath } = await import('../core/admin/server.ts');
    try {
      const { dataDir } = await loadConfig(values.config);
      process.stdout.write(JSON.stringify({ dataDir, socket: adminSocketPath(dataDir) }) + '\n');
      return 0;
    } catch (e) {
      process.stderr.write(`nowsms: ${isNowsmsError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
      return 1;
    }
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write(
      'nowsms: NOWSMS_ERR_USAGE: nowsms tui needs a terminal (its input and output are not one); for scripts and pipes use `nowsms status` (or `nowsms status --json`)\n',
    );
    return 2;
  }
  const color = colorWanted(Boolean(values['no-color']));
  // Before Ink (and its chalk) load: colour off means no colour escapes at all.
  if (!color) process.env.FORCE_COLOR = '0';
  // React's production build: less memory and CPU than its development build, which a user has no use for.
  process.env.NODE_ENV ??= 'production';
  let gateway: { dataDir: string; socket: string };
  try {
    gateway = findGateway(values.config);
  } catch (e) {
    process.stderr.write(`nowsms: ${(e as Error).message}\n`);
    return 1;
  }
  const [{ render }, { createElement }, { App }, { GatewayLink }] = await Promise.all([
    import('ink'),
    import('react'),
    import('./app.tsx'),
    import('./link.ts'),
  ]);
  const link = new GatewayLink(gateway.socket);
  link.start();
  // The alternate screen: a full-screen app that leaves the shell's scrollback as it was.
  process.stdout.write('\x1b[?1049h\x1b[H');
  const restore = () => process.stdout.write('\x1b[?1049l');
  process.once('exit', restore);
  const app = render(
    createElement(App, { link, readonly: Boolean(values.readonly), color, dataDir: gateway.dataDir, offlineUsers: offlineUsers(values.config) }),
    {
      maxFps: 4,
      exitOnCtrlC: true,
    },
  );
  await app.waitUntilExit();
  await link.stop();
  restore();
  process.removeListener('exit', restore);
  return 0;
}
