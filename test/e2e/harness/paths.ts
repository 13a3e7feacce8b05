import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/lib/code-server.mjs';

export { REPO_ROOT };

/**
 * Kept by CI on the machine (gitignored): screenshots and code-server logs. LOSS_LENS_E2E_RESULTS
 * moves it, so two runs side by side (one per branch of work) do not clear each other's.
 */
export const RESULTS_DIR = process.env.LOSS_LENS_E2E_RESULTS || join(REPO_ROOT, 'test-results', 'e2e');

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  main: string;
  bin?: Record<string, string>;
  contributes: { commands: { command: string; title: string; category?: string }[] };
}

export function manifest(): Manifest {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
}

export function extensionId(): string {
  const m = manifest();
  return `${m.publisher}.${m.name}`;
}

/** The file `npm run package` writes, or LOSS_LENS_E2E_VSIX (a package of one's own, for a run beside another). */
export function vsixPath(): string {
  const m = manifest();
  return process.env.LOSS_LENS_E2E_VSIX || join(REPO_ROOT, `${m.name}-${m.version}.vsix`);
}

/** The samples a newcomer sees (written by scripts/gen-samples.mjs), else the suite's own folder. */
export function e2eWorkspace(): string {
  const samples = join(REPO_ROOT, 'samples');
  return existsSync(samples) ? samples : join(REPO_ROOT, 'test', 'e2e', 'workspace');
}
