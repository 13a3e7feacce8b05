/**
 * Compare's messages in the editor (src/shared/compare-speak.ts): every refusal and matching
 * sentence core writes with a CLI flag (--match order, --id-column) names the editor's
 * "Match samples by..." button instead, the rest of the sentence kept.
 */
import assert from 'node:assert/strict';
import { compareOrRefuse, idAt, packIds, sampleCollector, type CompareSide, type PackedIds } from '../../src/core/compare';
import { compareSide } from '../../src/core/compare/side';
import { analyzeFile } from '../../src/node/analyze-file';
import { compareSpeaker } from '../../src/shared/compare-speak';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = 'test/fixtures/compare';

async function side(file: string): Promise<CompareSide> {
  const c = sampleCollector();
  const analysis = await analyzeFile(`${DIR}/${file}`, CLASSIC_REQUEST, { threads: 1, onEval: c.onEval, onLayout: c.onLayout });
  return compareSide(file, analysis, c.result());
}

const unpack = (p: PackedIds) => Array.from(p.end, (_, r) => idAt(p, r));

function said(a: CompareSide, b: CompareSide, match?: 'auto' | 'order' | 'id'): string {
  const { outcome } = compareOrRefuse(a, b, match === undefined ? {} : { match, resamples: 100 });
  return 'refused' in outcome ? outcome.refused : outcome.stats.matching;
}

describe("compare's messages in the editor", () => {
  it('names Match samples by... wherever core names --match order or --id-column', async () => {
    const a = await side('a.csv');
    const b = await side('b_shuffled.csv');
    const inOrder = await side('b.csv');
    const ids = unpack(b.columns.ids!);
    ids[9] = ids[3];
    const noIds = (s: CompareSide, name: string): CompareSide => ({ name, columns: { ...s.columns, ids: undefined }, classNames: s.classNames, multiLabel: false });
    const short = (s: CompareSide): CompareSide => {
      const c = s.columns;
      return { ...noIds(s, 'b_200.csv'), columns: { loss: c.loss.slice(0, 200), weight: c.weight.slice(0, 200), trueClass: c.trueClass.slice(0, 200), predicted: c.predicted.slice(0, 200), line: c.line.slice(0, 200), state: c.state.slice(0, 200) } };
    };
    const cases: [string, string, RegExp][] = [
      [said(a, { ...b, columns: { ...b.columns, ids: packIds(ids) } }), 'repeated id', /ids must name one sample each\. Fix the ids, or choose another column or row order with Match samples by\.\.\. \(the button\)\.$/],
      [said(a, { ...b, columns: { ...b.columns, ids: packIds(unpack(b.columns.ids!).map((id, r) => (r < 200 ? id : `other-${r}`))) } }), 'fewer than half shared', /If the rows are the same samples in the same order, choose row order with Match samples by\.\.\. \(the button\); if another column names them, choose it there\.$/],
      [said(noIds(a, 'a.csv'), short(b)), 'row counts by order', /Rows were matched by order: choose the column naming the samples with Match samples by\.\.\. \(the button\) to match them by id\.$/],
      [said(a, { ...noIds(inOrder, 'b.csv'), idColumn: 'ref' }, 'auto'), 'no id column in common', /^Rows were matched by order .*found: "id" in a\.csv, "ref" in b\.csv\); choose one with Match samples by\.\.\. \(the button\)\.$/],
      [said(a, inOrder, 'order'), 'by order, as chosen', /^Rows were matched by order \(row i of the first file with row i of the second\), as chosen \(Match samples by\.\.\.\); an id column found was not used\.$/],
      [said(a, noIds(b, 'b.csv'), 'id'), 'no id column to match by', /^b\.csv has no id column to match by: choose it, or row order, with Match samples by\.\.\. \(the button\)\.$/],
    ];
    for (const [message, what, editor] of cases) {
      assert.match(message, /--(match|id-column)/, `${what}: core names a flag: ${message}`);
      const spoken = compareSpeaker(message);
      assert.doesNotMatch(spoken, /--[a-z]/, `${what}: ${spoken}`);
      assert.match(spoken, editor, what);
    }
  });
});
