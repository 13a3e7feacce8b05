// Bundles the integration suite for the extension host, which loads plain CommonJS:
// out/integration/index.js (the extensionTestsPath) and one *.test.js per suite file.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(here, '..', '..', 'out', 'integration');
const suite = join(here, 'suite');
const entryPoints = readdirSync(suite).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => join(suite, f));

await esbuild.build({
  entryPoints, outdir: OUT_DIR, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  // Both come from the host: vscode from the extension host, mocha from node_modules.
  external: ['vscode', 'mocha'], sourcemap: 'inline', logLevel: 'warning',
});
