import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { bytesSource } from '../../src/core/parse/memory-source';
import { readSamples } from '../../src/core/parse/read';

/**
 * Any input, however broken, ends in a result: ok with rows, or located problems. A problem
 * starting "could not read the file" would mean an exception the readers did not explain.
 */
describe('readers on arbitrary input', () => {
  const pieces = ['label', 'y', 'p_0', 'p_1', 'logits', 'probs', ',', ';', '\t', '"', '""', '\n', '\r\n', ' ', '0', '1', '0.5', '-2.5e3', '1e999', 'NaN', 'abc', '{', '}', '[', ']', ':', '"label"', '"probs"', '"logits"', 'null', 'true', '\\', '\u00e9', '\ufeff'];
  const noise = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((a) => a.join(''));
  // Valid beginnings, so the noise also reaches the row readers and not only the sniffers.
  const starts = [
    '', 'label,p_0,p_1\n1,0.25,0.75\n', 'y\tp\n1\t0.5\n', '[{"label": 1, "probs": [0.5, 0.5]},', '{"label": 1, "probs": [0.5, 0.5]}\n',
    '{"eval": {"labels": [1, 0], "logits": [[1, 2], ', '{"labels": [0, 1], "probs": [[0.5, 0.5], [0.2, 0.8]], "classes": [',
  ];
  const text = fc.tuple(fc.constantFrom(...starts), noise).map(([a, b]) => a + b);

  for (const name of ['f.csv', 'f.tsv', 'f.json', 'f.jsonl']) {
    it(`always explains what it cannot read (${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(text, fc.integer({ min: 1, max: 9 }), fc.boolean(), async (t, chunk, skipInvalid) => {
          let delivered = 0;
          const r = await readSamples(bytesSource(name, t, chunk), { skipInvalid }, () => void delivered++);
          for (const p of [...r.problems, ...r.warnings]) {
            assert.ok(!p.message.startsWith('could not read the file'), `${JSON.stringify(t)}: ${p.message}`);
            assert.ok(p.line >= 0 && (p.column === undefined || p.column >= 1), JSON.stringify(p));
          }
          if (!r.ok) assert.ok(r.errorCount > 0);
          assert.equal(delivered, r.valid);
        }),
        { numRuns: 400 },
      );
    });
  }
});
