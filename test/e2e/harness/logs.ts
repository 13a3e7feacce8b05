import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every remote extension-host log under a code-server user-data-dir (one per window). */
export function extensionHostLogs(userDataDir: string): string[] {
  const root = join(userDataDir, 'logs');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const session of readdirSync(root)) {
    const sessionDir = join(root, session);
    for (const host of safeReaddir(sessionDir)) {
      const file = join(sessionDir, host, 'remoteexthost.log');
      if (host.startsWith('exthost') && existsSync(file)) out.push(readFileSync(file, 'utf8'));
    }
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Extension-host log entries: a timestamped line plus the lines (stack frames) that follow it. */
export function logEntries(log: string): { level: string; text: string }[] {
  const entries: { level: string; text: string }[] = [];
  for (const line of log.split('\n')) {
    const m = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(\w+)\] (.*)$/.exec(line);
    if (m) entries.push({ level: m[1] ?? '', text: m[2] ?? '' });
    else if (entries.length > 0 && line.trim() !== '') entries[entries.length - 1]!.text += '\n' + line;
  }
  return entries;
}

/**
 * What the extension host logged against one extension: its activations and every error that
 * names it. VS Code logs a failed activate() as "Activating extension X failed due to an
 * error:" followed by the error, whose stack runs through the extension's own folder.
 */
export function extensionLogReport(logs: string[], extensionId: string): { activations: string[]; errors: string[] } {
  const activations: string[] = [];
  const errors: string[] = [];
  const folder = extensionId.toLowerCase();
  for (const log of logs) {
    const entries = logEntries(log);
    entries.forEach((e, i) => {
      if (e.text.startsWith(`ExtensionService#_doActivateExtension ${extensionId},`)) activations.push(e.text);
      if (e.level !== 'error') return;
      const previous = entries[i - 1];
      const followsFailure = previous?.level === 'error' && previous.text.includes(`Activating extension ${extensionId} failed`);
      if (e.text.toLowerCase().includes(folder) || followsFailure) errors.push(e.text);
    });
  }
  return { activations, errors };
}
