import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, openWorkbench, startE2EServer, type E2EServer, type Workbench } from './harness';

interface Report { failures: number; results: { title: string; state: string; error?: string }[] }

// The @vscode/test-electron suite (npm run test:vscode), run by code-server's own extension
// host against the source tree, as an Extension Development Host window would run it.
describe('the integration suite inside code-server', function () {
  let server: E2EServer | undefined;
  let wb: Workbench | undefined;
  let dir: string;

  before(function () {
    execFileSync(process.execPath, [join(REPO_ROOT, 'test', 'integration', 'build.mjs')], { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'loss-lens-integration-'));
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes every test in test/integration/suite', async function () {
    const reportFile = join(dir, 'report.json');
    server = await startE2EServer({ install: false, env: { LOSS_LENS_TEST_REPORT: reportFile } });
    wb = await openWorkbench(server, {
      extensionDevelopment: { extensionPath: REPO_ROOT, testsPath: join(REPO_ROOT, 'out', 'integration', 'index.js') },
    });
    for (let i = 0; i < 120 && !existsSync(reportFile); i++) await wb.page.waitForTimeout(500);
    assert.ok(existsSync(reportFile), `the extension host wrote no report; its log:\n${server.extensionHostLogs().join('\n')}`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    const failed = report.results.filter((r) => r.state !== 'passed');
    assert.deepEqual(failed, []);
    assert.equal(report.failures, 0);
    // A suite that silently found no tests must not pass.
    assert.ok(report.results.length >= 3, JSON.stringify(report.results));
  });
});
