#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a git pull and `npm start`.
import { register } from 'tsx/esm/api';

const args = process.argv.slice(2);
// The terminal UI allocates little and often: a small young generation holds less memory for it.
if (args[0] === 'tui') (await import('node:v8')).default.setFlagsFromString('--max-semi-space-size=1');
register();
// The terminal UI lives in tui/ (Ink, React): core does not load it.
const { main } = args[0] === 'tui' ? await import('../tui/main.tsx') : await import('../core/cli.ts');
const code = await main(args[0] === 'tui' ? args.slice(1) : args);
if (code >= 0) process.exitCode = code;
