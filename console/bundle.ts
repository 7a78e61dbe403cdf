// Builds the page: console/web/main.ts bundled by esbuild into build/console/web/app.js, with
// index.html and the style sheets beside it. `npm run build` runs it after tsc. The page reuses
// the project's verifiers (api/verify.ts over codec/ and crypto/); the few crypto/ modules that
// call native libsodium or node:crypto are swapped for their browser stand-ins (console/web/shims),
// so the checks the page makes are the CLI's checks, not a copy of them.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shims = join(root, 'console', 'web', 'shims');
const swapped: Record<string, string> = {
  [join(root, 'crypto', 'sodium.js')]: join(shims, 'sodium.ts'),
  [join(root, 'crypto', 'hash.js')]: join(shims, 'hash.ts'),
  [join(root, 'crypto', 'bytes.js')]: join(shims, 'bytes.ts'),
  [join(root, 'crypto', 'random.js')]: join(shims, 'random.ts'),
};

const browserShims: Plugin = {
  name: 'bkdms-browser-shims',
  setup(b) {
    b.onResolve({ filter: /^@grpc\/grpc-js$/ }, () => ({ path: join(shims, 'grpc.ts') }));
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const target = swapped[resolve(args.resolveDir, args.path)];
      return target === undefined ? undefined : { path: target };
    });
  },
};

export async function bundleConsole(outDir = join(root, 'build', 'console', 'web')): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(root, 'console', 'web', 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    plugins: [browserShims],
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'console', 'web', 'index.html'), join(outDir, 'index.html'));
  copyFileSync(join(root, 'console', 'web', 'app.css'), join(outDir, 'app.css'));
  copyFileSync(join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(outDir, 'uplot.css'));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleConsole();
}
