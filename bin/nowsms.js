#!/usr/bin/env -S node --max-semi-space-size=8
// --max-semi-space-size=8 (MiB; V8's default is 16): loading the modules fills the young generation once, and an
// idle gateway would keep ~20 MiB of it. `npm start` passes the same flag (package.json).
// Runs the built gateway (dist/, made by `npm run build`). With Node's `--conditions=nowsms-source` (the
// project's tests and benchmarks set it), `nowsms` resolves to the TypeScript sources instead, loaded by tsx:
// one module graph either way, as the config's own `import ... from 'nowsms'` resolves the same.
const args = process.argv.slice(2);
// Ink draws nothing but the last frame when CI or CONTINUOUS_INTEGRATION is set (it reads them once, on
// import). The TUI is only ever run in a terminal, so a CI variable in the shell must not blank it.
if (args[0] === 'tui' && process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}
const source = import.meta.resolve('nowsms').endsWith('.ts');
if (source) (await import('tsx/esm/api')).register();
const root = source ? '..' : '../dist';
// The terminal UI lives in tui/ (Ink, React): core does not load it.
const entry = args[0] === 'tui' ? `${root}/tui/main.${source ? 'tsx' : 'js'}` : `${root}/core/cli.${source ? 'ts' : 'js'}`;
const { main } = await import(entry).catch((e) => {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && e.url === new URL(entry, import.meta.url).href) {
    process.stderr.write('nowsms: the gateway is not built (no dist/): run `npm run build` (`npm install` runs it)\n');
    process.exit(1);
  }
  throw e;
});
const code = await main(args[0] === 'tui' ? args.slice(1) : args);
if (code >= 0) process.exitCode = code;
