import { startE2EServer, type E2EServer } from './server';

let shared: Promise<E2EServer> | undefined;

/**
 * One code-server for the whole run: starting one costs seconds, and every test opens its own
 * browser page on it. Stopped by the root hook in test/e2e/setup.ts.
 */
export function sharedServer(): Promise<E2EServer> {
  shared ??= startE2EServer();
  return shared;
}

export async function stopSharedServer(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await (await s.catch(() => undefined))?.stop();
}

// Ctrl-C on a run: exit through process.exit so that the 'exit' handlers end code-server's
// process group and Chromium (Node's default SIGINT action skips them).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}
