import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  QUIET_SETTINGS, installExtension, provision, startCodeServer, writeUserSettings,
  type RunningCodeServer,
} from '../../../scripts/lib/code-server.mjs';
import { extensionHostLogs } from './logs';
import { RESULTS_DIR, e2eWorkspace, vsixPath } from './paths';

export const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern', highContrast: 'Default High Contrast' } as const;
export type ThemeName = keyof typeof THEMES;

export interface E2EServer {
  url: string;
  pid: number;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** The workbench URL with the workspace folder (or `folder`) open. */
  folderUrl(folder?: string): string;
  /** Rewrites the user settings.json (quiet defaults + these); open windows pick it up live. */
  setSettings(settings: Record<string, unknown>): void;
  extensionHostLogs(): string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  workspace?: string;
  vsix?: string;
  theme?: ThemeName;
  settings?: Record<string, unknown>;
  /** Passed to code-server as is (e.g. --extensionDevelopmentPath). */
  extraArgs?: string[];
  /** Added to code-server's environment, which its extension hosts inherit. */
  env?: Record<string, string>;
  /** Skip installing the packaged .vsix (an extension-development run loads the source tree). */
  install?: boolean;
}

/**
 * A code-server with a fresh profile (user-data-dir and extensions-dir in a temporary folder),
 * Loss Lens installed from the packaged .vsix, on a free loopback port.
 */
export async function startE2EServer(options: StartOptions = {}): Promise<E2EServer> {
  const codeServerDir = provision();
  const vsix = options.vsix ?? vsixPath();
  if (options.install !== false && !existsSync(vsix)) {
    throw new Error(`${vsix} is missing: run \`npm run package\` first (npm run test:e2e does).`);
  }
  const root = mkdtempSync(join(tmpdir(), 'loss-lens-e2e-'));
  // An interrupted run (Ctrl-C) exits without stop(): the profile must not outlive it.
  const removeRoot = () => {
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // A process being killed may still be writing into it; the OS cleans tmp eventually.
    }
  };
  process.on('exit', removeRoot);
  const userDataDir = join(root, 'user');
  const extensionsDir = join(root, 'extensions');
  const workspace = options.workspace ?? e2eWorkspace();
  // No animations: a screenshot must not catch a toast or a hover half faded in.
  const base = { ...QUIET_SETTINGS, 'workbench.reduceMotion': 'on', 'workbench.colorTheme': THEMES[options.theme ?? 'dark'], ...options.settings };
  writeUserSettings(userDataDir, base);
  if (options.install !== false) installExtension({ codeServerDir, vsix, userDataDir, extensionsDir });
  mkdirSync(RESULTS_DIR, { recursive: true });

  let running: RunningCodeServer;
  try {
    running = await startCodeServer({
      codeServerDir, workspace, userDataDir, extensionsDir,
      logFile: join(RESULTS_DIR, `code-server-${process.pid}.log`),
      ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  } catch (err) {
    removeRoot();
    process.off('exit', removeRoot);
    throw err;
  }
  return {
    url: running.url,
    pid: running.pid,
    workspace,
    userDataDir,
    extensionsDir,
    folderUrl: (folder = workspace) => `${running.url}/?folder=${encodeURIComponent(folder)}`,
    setSettings: (settings) => writeUserSettings(userDataDir, { ...base, ...settings }),
    extensionHostLogs: () => extensionHostLogs(userDataDir),
    stop: async () => {
      await running.stop();
      // Kept for whoever reads a failure: the profile itself is thrown away.
      const logs = join(userDataDir, 'logs');
      if (existsSync(logs)) cpSync(logs, join(RESULTS_DIR, `logs-${running.pid}`), { recursive: true });
      removeRoot();
      process.off('exit', removeRoot);
    },
  };
}
