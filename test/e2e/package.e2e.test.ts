import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { REPO_ROOT, manifest, vsixPath } from './harness';
import { zipEntries } from './harness/zip';

/** What must never ship: sources, tests, fixtures, dependencies, tooling, source maps. */
const FORBIDDEN: RegExp[] = [
  /^src\//, /^test\//, /^samples\//, /(^|\/)fixtures?\//, /^node_modules\//, /^scripts\//, /^bench\//,
  /^out\//, /^test-results\//, /^\.(github|ci|vscode|vscode-test)\//, /\.tsx?$/, /\.map$/, /\.vsix$/,
  /^(tsconfig|\.mocharc|eslint\.config|package-lock)[^/]*$/,
];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => relative(REPO_ROOT, join(d.parentPath, d.name)).split('\\').join('/'));
}

/**
 * What the extension loads at run time: its main, every bundle the build writes to dist/
 * (webview, worker...) except the command-line tool, KaTeX's stylesheet and fonts (dist/katex/,
 * the derivation panel's), and everything under media/.
 */
function runtimeFiles(): string[] {
  const m = manifest();
  const cli = new Set(Object.values(m.bin ?? {}).map((p) => posix.normalize(p)));
  const bundles = walk(join(REPO_ROOT, 'dist')).filter((f) => /^dist\/[^/]+\.js$/.test(f) && !cli.has(f));
  const katex = walk(join(REPO_ROOT, 'dist', 'katex'));
  return [...new Set([posix.normalize(m.main), 'package.json', ...bundles, ...katex, ...walk(join(REPO_ROOT, 'media'))])];
}

function packageViolations(shipped: string[], required: string[]): string[] {
  const problems = shipped.filter((f) => FORBIDDEN.some((re) => re.test(f))).map((f) => `ships ${f}`);
  const set = new Set(shipped);
  return problems.concat(required.filter((f) => !set.has(f)).map((f) => `does not ship ${f}`));
}

describe('the packaged extension (.vscodeignore allowlist)', function () {
  it('flags sources, tests, fixtures and dependencies, and a missing runtime file', function () {
    const bad = ['package.json', 'src/extension/extension.ts', 'test/fixtures/a.csv', 'node_modules/x/index.js', 'dist/extension.js.map'];
    assert.deepEqual(packageViolations(bad, ['package.json', 'dist/extension.js', 'media/icon.png']), [
      'ships src/extension/extension.ts', 'ships test/fixtures/a.csv', 'ships node_modules/x/index.js',
      'ships dist/extension.js.map', 'does not ship dist/extension.js', 'does not ship media/icon.png',
    ]);
  });

  it('vsce ls lists what the extension loads and nothing else', function () {
    const vsce = join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
    const listed = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter((l) => l !== '');
    assert.ok(listed.includes('dist/extension.js'), `vsce ls: ${JSON.stringify(listed)}`);
    assert.ok(listed.includes('dist/katex/katex.min.css') && listed.some((f) => /^dist\/katex\/fonts\/KaTeX_Main-Regular\.woff2$/.test(f)), 'KaTeX CSS and fonts ship');
    assert.deepEqual(packageViolations(listed, runtimeFiles()), []);
  });

  it(`the .vsix that npm run package wrote holds the same files`, function () {
    const vsix = vsixPath();
    assert.ok(existsSync(vsix), `${vsix} is missing: run npm run package`);
    const entries = zipEntries(vsix);
    assert.ok(entries.includes('extension.vsixmanifest'), JSON.stringify(entries));
    const shipped = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    assert.deepEqual(packageViolations(shipped, runtimeFiles()), []);
  });
});
