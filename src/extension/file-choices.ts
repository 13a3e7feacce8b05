/** What Choose Columns... and Select Preset... remember, per file, in the workspace's state. */
import * as vscode from 'vscode';
import type { FileChoices } from './request';

const KEY = 'lossLens.fileChoices';

export class FileChoicesStore {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  private all(): Record<string, FileChoices> {
    return this.memento.get<Record<string, FileChoices>>(KEY) ?? {};
  }

  get(uri: vscode.Uri): FileChoices {
    return this.all()[uri.toString()] ?? {};
  }

  async update(uri: vscode.Uri, patch: Partial<FileChoices>): Promise<void> {
    const all = this.all();
    const next: FileChoices = { ...all[uri.toString()], ...patch };
    for (const k of Object.keys(next) as (keyof FileChoices)[]) if (next[k] === undefined) delete next[k];
    await this.memento.update(KEY, { ...all, [uri.toString()]: next });
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
