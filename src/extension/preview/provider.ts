/**
 * The read-only editor of binary prediction files (.npy, .npz, .safetensors, .parquet, .arrow,
 * .feather): VS Code shows "binary file not displayed" for them otherwise. It lists the arrays or
 * columns with their types and shapes, the first rows, and the loss with Open Dashboard when a
 * layout is found (or the refusal, naming the fix).
 */
import * as vscode from 'vscode';
import { AnalysisError } from '../../core/analyze';
import { reportJson } from '../../core/report-json';
import { formatProblems } from '../../core/parse';
import { BINARY_PREVIEW_VIEW_TYPE } from '../../shared/commands';
import type { PreviewHostMessage, PreviewWebviewMessage } from '../../shared/preview-protocol';
import { editorSpeaker } from '../../shared/speak';
import { CancelledError } from '../../shared/cancelled';
import type { AnalysisService } from '../analysis-service';
import { dashboardHtml } from '../dashboard/model';
import { uriBasename } from '../uri';

export class BinaryPreviewProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly service: AnalysisService,
    private readonly extensionUri: vscode.Uri,
  ) {}

  static register(service: AnalysisService, extensionUri: vscode.Uri): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(BINARY_PREVIEW_VIEW_TYPE, new BinaryPreviewProvider(service, extensionUri), {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const uri = document.uri;
    const roots = [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')];
    panel.webview.options = { enableScripts: true, localResourceRoots: roots };
    const asUri = (...p: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const controller = new AbortController();
    const post = (m: PreviewHostMessage) => void panel.webview.postMessage(m);
    const load = async () => {
      const label = this.service.label(uri);
      try {
        const preview = await this.service.preview(uri, controller.signal);
        if (preview === undefined) {
          post({ type: 'failed', message: `${label} is not a binary file Loss Lens reads (NumPy .npy / .npz, safetensors, Parquet, Arrow / Feather).`, chooseColumns: false });
          return;
        }
        post({ type: 'contents', label, preview });
        post({ type: 'loading' });
        const analysis = await this.service.analyze(uri, this.service.request(uri), { signal: controller.signal });
        post({ type: 'report', report: reportJson(analysis), unit: analysis.options.base === '2' ? 'bits' : 'nats' });
      } catch (err) {
        if (err instanceof CancelledError || controller.signal.aborted) return;
        const message =
          err instanceof AnalysisError
            ? formatProblems(err.file, err.problems, err.errorCount - err.problems.length).map(editorSpeaker).join('\n')
            : editorSpeaker(err instanceof Error ? err.message : String(err));
        // Choose Columns... helps where there are columns to choose among, not where the one array is unreadable.
        post({ type: 'failed', message, chooseColumns: err instanceof AnalysisError && !err.badRows && (err.columns?.length ?? 0) >= 2 });
      }
    };
    const subscriptions = [
      panel.webview.onDidReceiveMessage((m: PreviewWebviewMessage) => {
        if (m.type === 'ready') void load();
        else void vscode.commands.executeCommand(`lossLens.${m.command}`, uri);
      }),
      // The choices made for the file (Choose Columns..., a preset) change its loss: show it again.
      this.service.choices.onDidChange((changed) => {
        if (changed.toString() === uri.toString()) void load();
      }),
    ];
    panel.onDidDispose(() => {
      controller.abort();
      for (const s of subscriptions) s.dispose();
    });
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      nonce,
      scriptUri: asUri('dist', 'preview.js'),
      styleUri: asUri('media', 'dashboard.css'),
      katexStyleUri: asUri('dist', 'katex', 'katex.min.css'),
      title: uriBasename(uri),
    });
  }
}
