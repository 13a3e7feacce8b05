import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? tsFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('src/core purity', () => {
  const files = tsFiles('src/core');

  it('has source files to check', () => {
    assert.ok(files.length > 0);
  });

  it('imports neither vscode nor Node built-ins', () => {
    const offenders = files.filter((f) =>
      /from\s+['"](vscode|node:[^'"]+|fs|path|os|zlib|stream|worker_threads|crypto)['"]/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
});
