// Loading the config in the process's own module graph, without a module loader thread: esbuild bundles the
// config and the local files it imports into one ES module (as Vite does with vite.config.ts), and every import
// of nowsms itself, or of a package, stays an import resolved as the gateway's own are. So the config, its
// plug-ins and the gateway share one copy of core, whatever started the process, and a config may be
// TypeScript while the gateway runs as plain JavaScript.
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** The nowsms package's root, found the way a config finds it: through the package's own name. */
const ROOT = path.dirname(fileURLToPath(import.meta.resolve('nowsms/package.json')));
/** Where this process's core comes from: dist/ (built) or the TypeScript sources. */
const BUILT = import.meta.resolve('nowsms').endsWith('.js');
/** The gateway's own folders: a file in them is never bundled into a config, it is the gateway's module. */
const OWN = ['core', 'plugins', 'tui', 'testing', 'dist'].map((d) => path.join(ROOT, d) + path.sep);
const CODE = /\.([cm]?[jt]sx?)$/;

/** A gateway file as this process loads it: a `core/x.ts` path means `dist/core/x.js` when the gateway is built. */
function ownModule(file: string): string {
  if (BUILT && !file.startsWith(path.join(ROOT, 'dist') + path.sep) && /\.tsx?$/.test(file)) {
    const built = path.join(ROOT, 'dist', path.relative(ROOT, file)).replace(/\.tsx?$/, '.js');
    if (existsSync(built)) return pathToFileURL(built).href;
  }
  return pathToFileURL(file).href;
}

const keepImports: Plugin = {
  name: 'nowsms-config-imports',
  setup(build) {
    // nowsms and its subpaths: resolved from core, with this process's conditions, to the modules it runs.
    build.onResolve({ filter: /^nowsms(\/|$)/ }, (args) => ({ path: import.meta.resolve(args.path), external: true }));
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'inner' || args.kind === 'entry-point') return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      if (args.path.startsWith('file:')) return { path: args.path, external: true };
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
      if (r.errors.length > 0) return { errors: r.errors };
      if (r.external) return { path: r.path, external: true };
      const local = !r.path.includes(`${path.sep}node_modules${path.sep}`) && !OWN.some((d) => r.path.startsWith(d));
      // A package (or a gateway file): imported by absolute URL, so the bundle may live in a temp dir.
      return local ? { path: r.path } : { path: r.path.startsWith(ROOT + path.sep) ? ownModule(r.path) : pathToFileURL(r.path).href, external: true };
    });
    // The config's own files keep their import.meta: a URL next to the config must not point into the temp dir.
    build.onLoad({ filter: CODE }, (args) => {
      const url = pathToFileURL(args.path).href;
      const meta = `const __nowsms_meta = { url: ${JSON.stringify(url)}, filename: ${JSON.stringify(args.path)}, dirname: ${JSON.stringify(path.dirname(args.path))} };\n`;
      const ext = CODE.exec(args.path)![1]!;
      const loader = ext.includes('ts') ? (ext.endsWith('x') ? 'tsx' : 'ts') : ext.endsWith('x') ? 'jsx' : 'js';
      return { contents: meta + readFileSync(args.path, 'utf8'), loader };
    });
  },
};

let building = 0;

/**
 * Import a config file (TypeScript or JavaScript, ES module or CommonJS) into this process's module graph and
 * return its namespace.
 */
export async function importConfig(file: string): Promise<Record<string, unknown>> {
  const esbuild = await import('esbuild');
  building++;
  const result = await esbuild
    .build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      jsx: 'automatic',
      define: {
        'import.meta.url': '__nowsms_meta.url',
        'import.meta.filename': '__nowsms_meta.filename',
        'import.meta.dirname': '__nowsms_meta.dirname',
      },
      // A CommonJS config's require() of a package.
      banner: {
        js: `import { createRequire as __nowsms_createRequire } from 'node:module'; const require = __nowsms_createRequire(${JSON.stringify(pathToFileURL(file).href)});`,
      },
      plugins: [keepImports],
    })
    .finally(() => {
      // esbuild's service is a child process: a gateway that has its config needs it no more.
      if (--building === 0) void esbuild.stop();
    });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-config-'));
  const bundled = path.join(dir, `${path.basename(file)}.mjs`);
  try {
    writeFileSync(bundled, result.outputFiles[0]!.contents);
    return (await import(pathToFileURL(bundled).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
