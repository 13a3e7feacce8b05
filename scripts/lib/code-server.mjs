// @ts-check
// Starts and stops code-server (a real VS Code, provisioned by scripts/code-server.sh) for
// `npm start` and the end-to-end harness (test/e2e/harness). Types: code-server.d.mts.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, createWriteStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Settings that keep a fresh profile from covering the workbench with first-run UI. */
export const QUIET_SETTINGS = Object.freeze({
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
});

/** Runs the idempotent provisioning script; returns the folder code-server lives in. */
export function provision() {
  const out = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'code-server.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const dir = out.trim().split('\n').pop() ?? '';
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`code-server.sh reported ${dir}, which holds no ${entry}`);
  return dir;
}

/** @param {string} dir */
function entryOf(dir) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/**
 * code-server writes a config file with a generated password when it finds none; pointing it
 * at one inside the profile keeps it from touching ~/.config.
 * @param {{ userDataDir: string }} profile
 */
function configArgs(profile) {
  return ['--config', join(profile.userDataDir, 'config.yaml')];
}

/** @param {string} userDataDir @param {Record<string, unknown>} settings */
export function writeUserSettings(userDataDir, settings) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
  return file;
}

/**
 * @param {{ codeServerDir: string, vsix: string, userDataDir: string, extensionsDir: string }} o
 */
export function installExtension(o) {
  mkdirSync(o.userDataDir, { recursive: true });
  mkdirSync(o.extensionsDir, { recursive: true });
  execFileSync(process.execPath, [
    entryOf(o.codeServerDir), ...configArgs(o),
    '--user-data-dir', o.userDataDir, '--extensions-dir', o.extensionsDir,
    '--install-extension', o.vsix, '--force',
  ], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

/** Every group still running, so that an exiting Node process can take them down with it. */
const live = new Set();
process.on('exit', () => {
  for (const pid of live) killGroup(pid, 'SIGKILL');
});

/** @param {number} pid @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * @param {{ codeServerDir: string, workspace: string, userDataDir: string, extensionsDir: string,
 *           host?: string, port?: number, logFile?: string, extraArgs?: string[],
 *           env?: Record<string, string>, startTimeoutMs?: number }} o
 */
export function startCodeServer(o) {
  const host = o.host ?? '127.0.0.1';
  const args = [
    entryOf(o.codeServerDir), ...configArgs(o),
    '--auth', 'none', '--bind-addr', `${host}:${o.port ?? 0}`,
    '--user-data-dir', o.userDataDir, '--extensions-dir', o.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    ...(o.extraArgs ?? []), o.workspace,
  ];
  // Its own process group: code-server forks extension hosts, a pty host and file watchers,
  // and stop() must end all of them, not just the entry process.
  const child = spawn(process.execPath, args, {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env },
  });
  const pid = /** @type {number} */ (child.pid);
  live.add(pid);
  const log = o.logFile ? createWriteStream(o.logFile) : undefined;
  let output = '';
  /** @type {Promise<number | null>} */
  const exited = new Promise((res) => child.on('exit', (code) => {
    live.delete(pid);
    res(code);
  }));

  /** @type {Promise<string>} */
  const listening = new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`code-server did not listen within ${o.startTimeoutMs ?? 60000} ms:\n${output}`)), o.startTimeoutMs ?? 60000);
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      log?.write(chunk);
      output += chunk.toString();
      const m = /HTTP server listening on (http:\/\/\S+?)\/?\s/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`code-server exited with ${code} before listening:\n${output}`));
    });
  });

  const stop = async () => {
    if (!live.has(pid)) return;
    killGroup(pid, 'SIGTERM');
    const timeout = new Promise((res) => setTimeout(res, 5000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      killGroup(pid, 'SIGKILL');
      await exited;
    }
    // The entry process may exit before its forks: end whatever is left of the group.
    killGroup(pid, 'SIGKILL');
    log?.end();
  };

  return listening.then(
    (url) => ({ url, port: Number(new URL(url).port), pid, exited, stop, output: () => output }),
    async (err) => {
      await stop();
      throw err;
    },
  );
}
