/**
 * A live run: the run view opened on a folder watches it, and a file that appears (a training
 * loop's next epoch) or changes is read into the run once it is whole (settle-file.ts: quiet for
 * a moment, and complete where its format tells). Until then the view says it waits for the file,
 * or what is missing, and the run is read without it (the run's reader would take a half-written
 * file for a finished one, or refuse the whole run over it).
 */
import * as vscode from 'vscode';
import { isShardFileName } from '../../shared/commands';
import type { LiveNotice } from '../../shared/run-protocol';
import { uriBasename } from '../uri';
import { endsOf, settleFile } from './settle-file';

export class LiveRun implements vscode.Disposable {
  /** Files waiting to settle, by URI: aborted when the file changes again (the wait starts over). */
  private readonly settling = new Map<string, { uri: vscode.Uri; stop: AbortController }>();
  /** Files that settled incomplete, by URI, with what is missing: read again when they change. */
  private readonly incomplete = new Map<string, { uri: vscode.Uri; why: string }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly folder: vscode.Uri,
    /** A file is ready (`ready`) or gone (`removed`): the run is read again; or only the waiting list changed. */
    private readonly onUpdate: (u: { ready?: string; removed?: string; notice: LiveNotice }) => void,
    private readonly enabled: () => boolean,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '*'));
    this.disposables.push(watcher, watcher.onDidCreate((u) => this.seen(u)), watcher.onDidChange((u) => this.seen(u)), watcher.onDidDelete((u) => this.gone(u)));
  }

  notice(): LiveNotice {
    return {
      waiting: [...this.settling.values()].map((s) => uriBasename(s.uri)),
      incomplete: [...this.incomplete.values()].map((s) => ({ name: uriBasename(s.uri), why: s.why })),
    };
  }

  /** Nothing waits or is incomplete: the folder may be read as it is. */
  get whole(): boolean {
    return this.settling.size === 0 && this.incomplete.size === 0;
  }

  /** The folder's files the run reads now: those Loss Lens reads, less any not yet whole. */
  async readyFiles(): Promise<vscode.Uri[]> {
    const entries = await vscode.workspace.fs.readDirectory(this.folder);
    return entries
      .filter(([name, type]) => type === vscode.FileType.File && isShardFileName(name))
      .map(([name]) => vscode.Uri.joinPath(this.folder, name))
      .filter((u) => !this.settling.has(u.toString()) && !this.incomplete.has(u.toString()));
  }

  private seen(uri: vscode.Uri): void {
    if (!this.enabled() || !isShardFileName(uriBasename(uri))) return;
    const key = uri.toString();
    this.settling.get(key)?.stop.abort();
    this.incomplete.delete(key);
    const stop = new AbortController();
    this.settling.set(key, { uri, stop });
    this.onUpdate({ notice: this.notice() });
    const access = {
      stamp: async () => {
        const s = await vscode.workspace.fs.stat(uri);
        return { size: s.size, mtimeMs: s.mtime };
      },
      ends: async () => endsOf(await vscode.workspace.fs.readFile(uri)),
    };
    settleFile(uriBasename(uri), access, { signal: stop.signal }).then(
      (state) => {
        if (this.settling.get(key)?.stop !== stop) return;
        this.settling.delete(key);
        if (state.state === 'incomplete') {
          this.incomplete.set(key, { uri, why: state.why });
          this.onUpdate({ notice: this.notice() });
        } else this.onUpdate({ ready: uriBasename(uri), notice: this.notice() });
      },
      (err: unknown) => {
        // Cancelled: the file changed again (a new wait runs) or the view closed. A file gone mid-wait is gone().
        if (this.settling.get(key)?.stop !== stop) return;
        this.settling.delete(key);
        this.incomplete.set(key, { uri, why: err instanceof Error ? err.message : String(err) });
        this.onUpdate({ notice: this.notice() });
      },
    );
  }

  private gone(uri: vscode.Uri): void {
    if (!this.enabled()) return;
    const key = uri.toString();
    this.settling.get(key)?.stop.abort();
    this.settling.delete(key);
    this.incomplete.delete(key);
    if (isShardFileName(uriBasename(uri))) this.onUpdate({ removed: uriBasename(uri), notice: this.notice() });
  }

  dispose(): void {
    for (const s of this.settling.values()) s.stop.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
