import { mkdirSync, rmSync } from 'node:fs';
import { RESULTS_DIR } from './harness/paths';
import { stopSharedServer } from './harness/shared';

// Root hooks: a clean results folder per run; code-server stopped however the run ends.
export const mochaHooks = {
  beforeAll(): void {
    rmSync(RESULTS_DIR, { recursive: true, force: true });
    mkdirSync(RESULTS_DIR, { recursive: true });
  },
  async afterAll(): Promise<void> {
    await stopSharedServer();
  },
};
