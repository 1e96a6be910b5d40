#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a git pull and `npm start`.
import { register } from 'tsx/esm/api';

const args = process.argv.slice(2);
// The terminal UI allocates little and often: a small young generation holds less memory for it.
if (args[0] === 'tui') (await import('node:v8')).default.setFlagsFromString('--max-semi-space-size=1');
// Ink draws nothing but the last frame when CI or CONTINUOUS_INTEGRATION is set (it reads them once, on
// import). The TUI is only ever run in a terminal, so a CI variable in the shell must not blank it.
if (args[0] === 'tui' && process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}
register();
// The terminal UI lives in tui/ (Ink, React): core does not load it.
const { main } = args[0] === 'tui' ? await import('../tui/main.tsx') : await import('../core/cli.ts');
const code = await main(args[0] === 'tui' ? args.slice(1) : args);
if (code >= 0) process.exitCode = code;
