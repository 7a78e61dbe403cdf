import { configDefaults, defineConfig } from 'vitest/config';

// The end-to-end fault reproductions take several minutes on 2 cores: they run with
// `npm run e2e:faults` (docs/reliability.md), not in `npm test`, which keeps the CI set.
const longSuites = process.env.BKDMS_E2E_FAULTS === '1' ? [] : ['test/e2e/faults.test.ts'];
// Multi-process scenarios that take minutes are named `*.long.test.ts` and run with
// `npm run test:long` (README, "Longer suites"), so `npm test` stays within CI's time.
const longTests = process.env.BKDMS_LONG_TESTS === '1' ? [] : ['test/**/*.long.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...longSuites, ...longTests],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
