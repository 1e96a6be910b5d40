import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// `nowsms` (as plug-ins import it) is the TypeScript sources in tests, in this process (the conditions below)
// and in every gateway a test starts (`bin/nowsms.js` follows Node's --conditions): never a stale dist/.
const SOURCE = '--conditions=nowsms-source';
if (!process.env.NODE_OPTIONS?.includes(SOURCE)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${SOURCE}`.trim();

export default defineConfig({
  resolve: { conditions: ['nowsms-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['nowsms-source', ...defaultServerConditions], externalConditions: ['nowsms-source'] } },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // Integration tests bind real sockets and spawn real peers: keep parallelism modest on 2 cores.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The plug-in API's type tests (expectTypeOf, checked by tsc, never run): test/types/.
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
  },
});
