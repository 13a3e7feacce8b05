/**
 * Hovers on recognised prediction files: a data row shows its loss derived step by step, a
 * header column its class summary. A CSV/JSONL row is read from its own line (plus the header),
 * a JSON record (or the entries of parallel arrays) from its own text, never the whole file;
 * rank and totals come from the document's cached index.
 */
import * as vscode from 'vscode';
import { derive } from '../../core/derivation';
import { indexOfLine, rankOfLoss, sampleAtLine, sampleAtOffset } from '../../core/explain';
import type { Sample } from '../../core/types';
import { lossOptionsFor } from '../../core/analyze';
import { lossUnderPresets } from '../../core/losses';
import { clippingLines } from '../../shared/render';
import type { CachedIndex, DocumentIndexCache } from './document-cache';
import { commandUri, headerFieldAt, headerHoverMarkdown, rowHoverMarkdown } from './hover-content';
import type { ExplainServices } from './services';

/** How long the last hover took on this thread (ms), for the output channel and tests. */
export const hoverTimings: number[] = [];

export class LossHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: DocumentIndexCache, private readonly services: ExplainServices) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.services.hoversEnabled()) return undefined;
    // Instant when an index exists (even of an older version: a row reads from its own line);
    // the first hover on a fresh document waits for its first pass.
    const cached = this.cache.peek(doc) ?? (await this.cache.get(doc, token));
    if (!cached || token.isCancellationRequested) return undefined;
    const t0 = performance.now();
    try {
      const content = await this.content(doc, pos, cached);
      if (content === undefined || token.isCancellationRequested) return undefined;
      const ms = new vscode.MarkdownString(content.markdown);
      ms.isTrusted = { enabledCommands: [this.services.openDashboardAtSampleCommand] };
      return new vscode.Hover(ms, content.range ?? doc.lineAt(pos.line).range);
    } finally {
      hoverTimings.push(performance.now() - t0);
      if (hoverTimings.length > 100) hoverTimings.shift();
    }
  }

  private async content(doc: vscode.TextDocument, pos: vscode.Position, cached: CachedIndex): Promise<{ markdown: string; range?: vscode.Range } | undefined> {
    const { index } = cached;
    const layout = index.layout;
    const analysis = index.analysis;
    if (!layout || !analysis) return undefined;
    const line = pos.line + 1;
    const isCsv = layout.format === 'csv' || layout.format === 'tsv';
    // A CSV whose first line is a row (no header): each line read on its own, as JSONL's are.
    const headed = isCsv && layout.header !== 'none';
    // Lines before the first row: Excel's `sep=;` hint (skipped by the reader) and the header.
    const lead = isCsv ? (layout.sepLine ? 1 : 0) + (headed ? 1 : 0) : 0;
    if (headed && line === lead) {
      const field = headerFieldAt(doc.lineAt(lead - 1).text, layout.delimiter ?? ',', pos.character);
      const md = field ? headerHoverMarkdown(analysis, field.name) : null;
      return md === null ? undefined : { markdown: md };
    }
    if (layout.format === 'json') {
      // A record spans lines (and a line may hold several): found around the cursor's offset.
      const fresh = cached.version === doc.version;
      const starts = fresh ? { line, index, offsetOfLine: (l: number) => doc.offsetAt(new vscode.Position(l - 1, 0)) } : undefined;
      const hit = await sampleAtOffset(doc.getText(), doc.uri.path, layout, doc.offsetAt(pos), starts);
      if (hit.kind !== 'sample') return undefined;
      const { span } = hit;
      const range = new vscode.Range(span.line - 1, span.column, span.endLine - 1, span.endColumn);
      return { markdown: this.rowMarkdown(doc, cached, hit.sample, hit.line, hit.row), range };
    }
    if (isCsv && layout.quotedNewlines) return undefined;
    if (line <= lead) return undefined;
    // Only this row's text (and the lines before the first row) goes to the reader.
    let text = '';
    for (let l = 0; l < lead; l++) text += `${doc.lineAt(l).text}\n`;
    text += `${doc.lineAt(pos.line).text}\n`;
    const hit = await sampleAtLine(text, doc.uri.path, layout, lead + 1);
    if (hit.kind !== 'sample') return undefined;
    const fresh = cached.version === doc.version;
    const at = fresh ? indexOfLine(index, line) : -1;
    const row = at >= 0 ? (index.rows[at] as number) : line - lead - 1;
    return { markdown: this.rowMarkdown(doc, cached, hit.sample, line, row) };
  }

  private rowMarkdown(doc: vscode.TextDocument, cached: CachedIndex, sample: Sample, line: number, row: number): string {
    const { index } = cached;
    const layout = index.layout!;
    const options = lossOptionsFor(layout, this.services.requestFor(doc.uri));
    const derivation = derive(sample, options, layout.numClasses, layout.classNames);
    const fresh = cached.version === doc.version;
    return rowHoverMarkdown({
      derivation,
      presetValues: lossUnderPresets(sample, options, layout.numClasses),
      line,
      row,
      rank: fresh && !derivation.ignored ? rankOfLoss(index, derivation.value) : undefined,
      total: index.sortedLosses.length,
      openCommandUri: commandUri(this.services.openDashboardAtSampleCommand, [doc.uri.toString(), row, line]),
      filePresets: fresh && index.analysis ? clippingLines(index.analysis.breakdown.clipping, layout.kind, { style: 'markdown' }) : null,
    });
  }
}
