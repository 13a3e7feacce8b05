/**
 * A live run: the run view opened on a folder watches it, and a file that appears (a training
 * loop's next epoch) or changes is read into the run once it is whole (settle-file.ts: quiet for
 * a moment, and complete where its format tells). Until then the view says it waits for the file,
 * or what is missing, and the run is read without it (the run's reader would take a half-written
 * file for a finished one, or refuse the whole run over it). A folder read as a file per subfolder
 * (shared/run-subfolders.ts: Trainer's checkpoint-N/predictions.jsonl) is watched one level down:
 * a new checkpoint's file joins the run as a new file of a flat folder does.
 */
import * as vscode from 'vscode';
import { isShardFileName } from '../../shared/commands';
import type { LiveNotice } from '../../shared/run-protocol';
import { ownFilesRead, subfolderCandidate, subfolderRun } from '../../shared/run-subfolders';
import { uriBasename } from '../uri';
import { workspaceListing } from './listing';
import { endsOf, settleFile } from './settle-file';

export class LiveRun implements vscode.Disposable {
  /** Files waiting to settle, by URI: aborted when the file changes again (the wait starts over). */
  private readonly settling = new Map<string, { uri: vscode.Uri; stop: AbortController }>();
  /** Files that settled incomplete, by URI, with what is missing: read again when they change. */
  private readonly incomplete = new Map<string, { uri: vscode.Uri; why: string }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The subfolders holding a file of a subfolder run, as last seen: one deleted is a file gone from the run. */
  private readonly subfolders = new Set<string>();

  constructor(
    private readonly folder: vscode.Uri,
    /** A file is ready (`ready`) or gone (`removed`): the run is read again; or only the waiting list changed. */
    private readonly onUpdate: (u: { ready?: string; removed?: string; notice: LiveNotice }) => void,
    private readonly enabled: () => boolean,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '{*,*/*}'));
    this.disposables.push(watcher, watcher.onDidCreate((u) => this.seen(u)), watcher.onDidChange((u) => this.seen(u)), watcher.onDidDelete((u) => this.gone(u)));
    void workspaceListing(folder).then((listing) => {
      const sub = subfolderRun(uriBasename(folder), listing);
      if (sub?.kind === 'files') for (const f of sub.files) this.subfolders.add(f.split('/')[0]!);
    }, () => undefined);
  }

  notice(): LiveNotice {
    return {
      waiting: [...this.settling.values()].map((s) => this.nameOf(s.uri)),
      incomplete: [...this.incomplete.values()].map((s) => ({ name: this.nameOf(s.uri), why: s.why })),
    };
  }

  /** Nothing waits or is incomplete: the folder may be read as it is. */
  get whole(): boolean {
    return this.settling.size === 0 && this.incomplete.size === 0;
  }

  /**
   * The folder's files the run reads now: those Loss Lens reads (or its subfolders' when it has
   * none of its own), less any not yet whole; the folder itself when its subfolders are refused
   * (the run then says why).
   */
  async readyFiles(): Promise<vscode.Uri[]> {
    const listing = await workspaceListing(this.folder);
    const sub = subfolderRun(uriBasename(this.folder), listing);
    if (sub?.kind === 'refused') return [this.folder];
    const names = sub?.files ?? listing.files.filter(isShardFileName);
    return names.map((n) => vscode.Uri.joinPath(this.folder, ...n.split('/'))).filter((u) => !this.settling.has(u.toString()) && !this.incomplete.has(u.toString()));
  }

  /** A file's name in the folder: `epoch_3.csv`, or `checkpoint-1500/predictions.jsonl` one level down. */
  nameOf(uri: vscode.Uri): string {
    return uri.path.slice(this.folder.path.replace(/\/+$/, '').length + 1);
  }

  /**
   * Whether a file created or changed is one the run may read: one of the folder's own that Loss
   * Lens reads, or one in a subfolder that a subfolder run may take while the folder has none of
   * its own (a flat folder's subfolders are no part of its run).
   */
  private async takes(uri: vscode.Uri): Promise<boolean> {
    const name = this.nameOf(uri);
    const parts = name.split('/');
    if (parts.length === 1) return isShardFileName(name);
    if (parts.length !== 2 || parts[0]!.startsWith('.') || !subfolderCandidate(parts[1]!)) return false;
    const own = await vscode.workspace.fs.readDirectory(this.folder).then((entries) => entries.filter(([, type]) => (type & vscode.FileType.File) !== 0).map(([n]) => n), () => []);
    if (ownFilesRead(own)) return false;
    this.subfolders.add(parts[0]!);
    return true;
  }

  private seen(uri: vscode.Uri): void {
    if (!this.enabled()) return;
    const parts = this.nameOf(uri).split('/');
    if (parts.length === 1 && !isShardFileName(parts[0]!)) {
      void this.enter(uri);
      return;
    }
    void this.takes(uri).then((taken) => {
      if (taken) this.settle(uri);
    });
  }

  /**
   * A subfolder that appears may already hold its files: moved in whole (`mv`, a checkpoint saved
   * to a temporary folder and renamed), or written before the watcher reached it, so no event
   * comes for them. Its files are looked at as if each had been seen.
   */
  private async enter(dir: vscode.Uri): Promise<void> {
    const entries = await vscode.workspace.fs.readDirectory(dir).then(
      (e) => e,
      () => [] as [string, vscode.FileType][],
    );
    for (const [n, type] of entries) if ((type & vscode.FileType.File) !== 0) this.seen(vscode.Uri.joinPath(dir, n));
  }

  private settle(uri: vscode.Uri): void {
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
    settleFile(this.nameOf(uri), access, { signal: stop.signal }).then(
      (state) => {
        if (this.settling.get(key)?.stop !== stop) return;
        this.settling.delete(key);
        if (state.state === 'incomplete') {
          this.incomplete.set(key, { uri, why: state.why });
          this.onUpdate({ notice: this.notice() });
        } else this.onUpdate({ ready: this.nameOf(uri), notice: this.notice() });
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

  /**
   * A file or a subfolder is gone (Trainer's save_total_limit deletes old checkpoints whole): what
   * waited in it no longer does, and the run is read again when it may have held a file of it.
   */
  private gone(uri: vscode.Uri): void {
    if (!this.enabled()) return;
    const key = uri.toString();
    let held = false;
    for (const m of [this.settling, this.incomplete]) {
      for (const [k, v] of m) {
        if (k !== key && !k.startsWith(`${key}/`)) continue;
        if ('stop' in v) v.stop.abort();
        m.delete(k);
        held = true;
      }
    }
    const name = this.nameOf(uri);
    const parts = name.split('/');
    // A folder cannot be told from a file by stat once gone: a run's subfolder is known by name.
    const read = parts.length === 1 ? isShardFileName(name) || this.subfolders.delete(name) : parts.length === 2 && this.subfolders.has(parts[0]!) && subfolderCandidate(parts[1]!);
    if (read || held) this.onUpdate({ removed: name, notice: this.notice() });
  }

  dispose(): void {
    for (const s of this.settling.values()) s.stop.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
