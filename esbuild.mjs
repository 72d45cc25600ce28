// Bundles the extension (client/src -> dist/extension.js) and, with --tests, each client unit
// test (tests/client/*.test.ts -> out/tests/client/*.test.js) for node's own test runner.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
};

if (tests) {
  const entryPoints = readdirSync('tests/client')
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `tests/client/${name}`);
  await esbuild.build({ ...common, entryPoints, outdir: 'out/tests/client', sourcemap: 'inline', external: ['vscode'] });
} else {
  await esbuild.build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
  });
}
