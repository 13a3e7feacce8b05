// npm run test:vscode: the integration suite in a desktop VS Code that @vscode/test-electron
// downloads (needs access to update.code.visualstudio.com), or the one VSCODE_EXECUTABLE_PATH
// names. CI runs the same suite inside code-server instead (npm test, see
// test/e2e/integration-in-code-server.e2e.test.ts).
import { runTests } from '@vscode/test-electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR } from './build.mjs';

const root = join(OUT_DIR, '..', '..');
const samples = join(root, 'samples');
const workspace = existsSync(samples) ? samples : join(root, 'test', 'e2e', 'workspace');
try {
  await runTests({
    ...(process.env.VSCODE_EXECUTABLE_PATH ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH } : {}),
    extensionDevelopmentPath: root,
    extensionTestsPath: join(OUT_DIR, 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(err);
  console.error('\nNo VS Code to test in? `npm test` runs this suite inside code-server.');
  process.exit(1);
}
