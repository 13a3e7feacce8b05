import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * The extension host calls this (extensionTestsPath). It runs every bundled *.test.js next to
 * it and, when LOSS_LENS_TEST_REPORT names a file, writes the results there: code-server's
 * extension host has no terminal a caller could read.
 */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, forbidOnly: true, forbidPending: true });
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  const results: { title: string; state: string; error?: string }[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: String(err.stack ?? err) }));
  });
  const report = process.env['LOSS_LENS_TEST_REPORT'];
  if (report) writeFileSync(report, JSON.stringify({ failures, results }, null, 2));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
