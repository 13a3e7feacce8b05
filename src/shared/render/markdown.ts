/**
 * A derivation as VS Code hover Markdown (CommonMark plus tables, no HTML): a header with the
 * value, kind, preset and log base, one list item per step, the multi-label table, the other
 * presets' values when they differ, and a link to the dashboard. Kept to about a dozen lines for a
 * 10-class sample: vectors are abbreviated harder than in the CLI.
 */
import type { Derivation } from '../../core/derivation';
import type { PresetName } from '../../core/types';
import { formatter } from './format';
import { presetsLine, type ClippingLines } from './presets-line';
import { headerText, textSteps, type TextStep } from './text';

export interface HoverContext {
  /** Where the sample is, e.g. "row 12": shown after the header (escaped). */
  sample?: string;
  /** 1-based rank of this sample's loss among `total` samples (1 = highest loss). */
  rank?: number;
  total?: number;
  /** A ready `command:` URI (arguments already encoded) that opens this sample in the dashboard. */
  openCommandUri?: string;
  /** lossUnderPresets output: adds the "presets disagree" line when they do. */
  presetValues?: Readonly<Record<PresetName, number>>;
  /** clippingLines of the file (markdown style): the file's means under each preset, and which samples make the gap. */
  filePresets?: ClippingLines | null;
  digits?: number;
  /** Default 5: the true class, the predicted one and the three most probable. */
  maxEntries?: number;
}

/** Markdown punctuation that could start emphasis, code, a link, HTML, an entity or a table cell. */
const SPECIAL = /[\\`*_[\]<>|~&$#]/g;

/** Escapes text (class names, sentences with numbers) so Markdown shows it literally. */
export function escapeMarkdown(s: string): string {
  return s.replace(/\r?\n|\r/g, ' ').replace(SPECIAL, (c) => `\\${c}`);
}

export function renderHoverMarkdown(d: Derivation, context: HoverContext = {}): string {
  const digits = context.digits;
  const fmt = formatter('markdown', digits);
  const steps = textSteps(d, { digits, maxEntries: context.maxEntries ?? 5 }, 'markdown');
  let header = `**${escapeMarkdown(headerText(d, fmt))}**`;
  if (context.sample !== undefined) header += ` · ${escapeMarkdown(context.sample)}`;
  if (context.rank !== undefined) {
    header += ` · rank ${context.rank}${context.total === undefined ? '' : ` of ${context.total}`}`;
  }
  const blocks: string[] = [header];
  let list: string[] = [];
  const flush = (): void => {
    if (list.length > 0) blocks.push(list.join('\n'));
    list = [];
  };
  for (const s of steps) {
    if (s.kind === 'labels') {
      flush();
      blocks.push(tableBlock(s));
    } else if (!redundant(s, d)) {
      list.push(`- **${escapeMarkdown(s.title)}** ${s.lines.map(escapeMarkdown).join('; ')}`);
    }
  }
  flush();
  if (context.presetValues) {
    const line = presetsLine(context.presetValues, { style: 'markdown', digits });
    if (line !== null) blocks.push(`Under each preset: ${escapeMarkdown(line)}`);
  }
  if (context.filePresets) {
    blocks.push(`The file's mean under each preset: ${escapeMarkdown(context.filePresets.means)}. ${escapeMarkdown(context.filePresets.why)}`);
  }
  if (context.openCommandUri !== undefined) {
    blocks.push(`[Open in the Loss Lens dashboard](${encodeLinkTarget(context.openCommandUri)})`);
  }
  return blocks.join('\n\n');
}

/** The result step repeats the header's value; it earns a line only for a non-unit weight. */
function redundant(s: TextStep, d: Derivation): boolean {
  return s.kind === 'result' && d.weight === 1 && !d.ignored;
}

function tableBlock(s: TextStep): string {
  const table = s.table ?? { header: [], rows: [], hidden: 0 };
  const row = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const lines = [
    `**${escapeMarkdown(s.title)}**`,
    '',
    row(table.header),
    `|${table.header.map((_, c) => (c === 0 ? ':--' : '--:')).join('|')}|`,
    ...table.rows.map(row),
  ];
  if (table.hidden > 0) lines.push('', `… ${table.hidden} more labels`);
  return lines.join('\n');
}

/** Parentheses and spaces would end a Markdown link target early. */
function encodeLinkTarget(uri: string): string {
  return uri.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
