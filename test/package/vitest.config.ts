import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// `npm run test:package`: the package check alone. The check's own imports of nowsms are the sources (as in
// the project's tests), but it sets no NODE_OPTIONS: what it starts runs the package as installed.
export default defineConfig({
  resolve: { conditions: ['nowsms-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['nowsms-source', ...defaultServerConditions], externalConditions: ['nowsms-source'] } },
  test: {
    include: ['test/package/**/*.check.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 60_000,
  },
});
