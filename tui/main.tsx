/** @jsxRuntime automatic @jsxImportSource react */
// `nowsms tui [--readonly] [--no-color] [--config <file>]`: the terminal UI. bin/nowsms.js sends `tui` here
// so that core never loads Ink or React. It finds the gateway as `nowsms status` does (the config's data
// directory, NOWSMS_DATA_DIR), and talks to it only through the admin socket.
import { parseArgs } from 'node:util';
import type { AdminCommandName, AdminCommands } from '../core/admin/protocol.ts';
import { adminSocketPath } from '../core/admin/server.ts';
import { loadConfig, type ResolvedConfig } from '../core/config.ts';
import { isNowsmsError } from '../core/errors.ts';

const USAGE = `usage: nowsms tui [--readonly] [--no-color] [--config <file>]

  --readonly   look only: retry, delete and user changes are off
  --no-color   no colours (so does NO_COLOR in the environment)
`;

/** NO_COLOR (any non-empty value, https://no-color.org) or --no-color: chalk and Ink do not read NO_COLOR themselves. */
export function colorWanted(noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !noColorFlag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** The CLI's path for users when no gateway runs: the same admin command, on the store, in this process. */
function offlineUsers(config: ResolvedConfig) {
  return async <C extends AdminCommandName>(command: C, params: AdminCommands[C]['request']): Promise<AdminCommands[C]['result']> => {
    const { Gateway } = await import('../core/gateway.ts');
    const { silentLogger } = await import('../core/log.ts');
    const gw = await Gateway.open(config, { log: silentLogger() });
    try {
      return (await gw.admin.call(command, params)) as AdminCommands[C]['result'];
    } finally {
      await gw.stop();
    }
  };
}

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { readonly: { type: 'boolean' }, 'no-color': { type: 'boolean' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write(
      'nowsms: NOWSMS_ERR_USAGE: nowsms tui needs a terminal (its input and output are not one); for scripts and pipes use `nowsms status` (or `nowsms status --json`)\n',
    );
    return 2;
  }
  const color = colorWanted(Boolean(values['no-color']));
  // Before Ink (and its chalk) load: colour off means no colour escapes at all.
  if (!color) process.env.FORCE_COLOR = '0';
  let config: ResolvedConfig;
  try {
    config = await loadConfig(values.config);
  } catch (e) {
    process.stderr.write(`nowsms: ${isNowsmsError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
    return 1;
  }
  const [{ render }, { createElement }, { App }, { GatewayLink }] = await Promise.all([
    import('ink'),
    import('react'),
    import('./app.tsx'),
    import('./link.ts'),
  ]);
  const link = new GatewayLink(adminSocketPath(config.dataDir));
  link.start();
  // The alternate screen: a full-screen app that leaves the shell's scrollback as it was.
  process.stdout.write('\x1b[?1049h\x1b[H');
  const restore = () => process.stdout.write('\x1b[?1049l');
  process.once('exit', restore);
  const app = render(createElement(App, { link, readonly: Boolean(values.readonly), color, dataDir: config.dataDir, offlineUsers: offlineUsers(config) }), {
    maxFps: 4,
    exitOnCtrlC: true,
  });
  await app.waitUntilExit();
  await link.stop();
  restore();
  process.removeListener('exit', restore);
  return 0;
}
