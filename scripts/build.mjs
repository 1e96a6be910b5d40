// `npm run build`, after tsc has written the declarations (.d.ts): the JavaScript of dist/, bundled by esbuild.
// One file per public entry (nowsms, nowsms/testing, nowsms/plugins/<name>, the CLI and the terminal UI) and
// shared chunks between them, so each module of core exists once and the gateway loads a few files instead
// of some three hundred. Packages stay imports, and so does `nowsms` itself: a plug-in's `import ... from
// 'nowsms'` and the gateway's own code meet in the same chunks.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const plugins = readdirSync(path.join(root, 'plugins')).filter((d) => statSync(path.join(root, 'plugins', d, 'index.ts'), { throwIfNoEntry: false }));
const entryPoints = ['core/index.ts', 'core/cli.ts', 'tui/main.tsx', 'testing/index.ts', ...plugins.map((p) => `plugins/${p}/index.ts`)];

/** The JavaScript of an earlier build (never the declarations, which tsc keeps up to date incrementally). */
function removeOldJs(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== path.join(dist, 'docs')) removeOldJs(p);
    } else if (/\.js(\.map)?$/.test(e.name)) rmSync(p);
  }
}
removeOldJs(dist);

await build({
  absWorkingDir: root,
  entryPoints,
  outdir: dist,
  outbase: '.',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  sourcemap: true,
  logLevel: 'warning',
});
