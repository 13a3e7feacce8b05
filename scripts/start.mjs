// npm start: Loss Lens in a real VS Code (code-server) on the samples, for a newcomer.
// Builds and packages the extension, provisions code-server if needed (scripts/code-server.sh),
// installs the .vsix into a profile kept under ~/.cache/loss-lens/start, serves on loopback and
// prints the URL. Ctrl-C stops code-server and everything it started.
//
//   npm start                      port 8080, or a free one if 8080 is taken
//   npm start -- --port 9000       (or PORT=9000 npm start)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  QUIET_SETTINGS, REPO_ROOT, installExtension, provision, startCodeServer, writeUserSettings,
} from './lib/code-server.mjs';

const HOST = '127.0.0.1';

function requestedPort() {
  const i = process.argv.indexOf('--port');
  const raw = i >= 0 ? process.argv[i + 1] : process.env.PORT;
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not a port: ${raw}`);
  return port;
}

/** @param {number} port */
function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const vsix = join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
const samples = join(REPO_ROOT, 'samples');
const workspace = existsSync(samples) ? samples : join(REPO_ROOT, 'test', 'e2e', 'workspace');

run('npm', ['run', '--silent', 'package']);
const codeServerDir = provision();

// One profile kept between runs, so layout and settings a newcomer changes survive a restart.
const cacheRoot = process.env.LOSS_LENS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'loss-lens');
const userDataDir = join(cacheRoot, 'start', 'user');
const extensionsDir = join(cacheRoot, 'start', 'extensions');
if (!existsSync(join(userDataDir, 'User', 'settings.json'))) writeUserSettings(userDataDir, { ...QUIET_SETTINGS });
installExtension({ codeServerDir, vsix, userDataDir, extensionsDir });

const wanted = requestedPort();
const port = wanted ?? ((await isFree(8080)) ? 8080 : 0);
const server = await startCodeServer({
  codeServerDir, workspace, userDataDir, extensionsDir, host: HOST, port,
  logFile: join(cacheRoot, 'start', 'code-server.log'),
});

console.log(`
  Loss Lens ${manifest.version} is running in VS Code (code-server) on ${workspace}:

      ${server.url}/?folder=${encodeURI(workspace)}

  Open it in a browser, then run "Loss Lens: Compute Loss" from the command palette (F1).
  code-server log: ${join(cacheRoot, 'start', 'code-server.log')}
  Press Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server...');
    void server.stop().then(() => process.exit(0));
  });
}
const code = await server.exited;
if (!stopping) {
  console.error(`code-server exited on its own (code ${code}); its output:\n${server.output()}`);
  process.exit(code ?? 1);
}
