/** The settings as VS Code holds them: a typed snapshot, refreshed on every change. */
import * as vscode from 'vscode';
import { CONFIG_SECTION, readConfig, type LossLensConfig } from './settings';

export class Config implements vscode.Disposable {
  private current: LossLensConfig = Config.read();
  private readonly changed = new vscode.EventEmitter<LossLensConfig>();
  /** Fires after any lossLens.* setting changes, with the new values. */
  readonly onDidChange = this.changed.event;
  private readonly listener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(CONFIG_SECTION)) return;
    this.current = Config.read();
    this.changed.fire(this.current);
  });

  private static read(): LossLensConfig {
    const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
    return readConfig((key) => c.get(key));
  }

  get<K extends keyof LossLensConfig>(key: K): LossLensConfig[K] {
    return this.current[key];
  }

  get all(): LossLensConfig {
    return this.current;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
