// Types for code-server.mjs, so the TypeScript harness in test/e2e can import it.

export const REPO_ROOT: string;
export const QUIET_SETTINGS: Readonly<Record<string, unknown>>;

export function provision(): string;
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): string;
export function installExtension(o: {
  codeServerDir: string;
  vsix: string;
  userDataDir: string;
  extensionsDir: string;
}): void;

export interface RunningCodeServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  /** Also the process group id: stop() ends the whole group. */
  pid: number;
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** Everything code-server printed so far. */
  output(): string;
}

export function startCodeServer(o: {
  codeServerDir: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  host?: string;
  /** 0 or absent: a free port chosen by the system. */
  port?: number;
  logFile?: string;
  extraArgs?: string[];
  /** Added to code-server's environment, which its extension hosts inherit. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<RunningCodeServer>;
