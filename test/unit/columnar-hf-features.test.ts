/**
 * Class names a Hugging Face `datasets` table records for a `ClassLabel` column (its schema's
 * `huggingface` metadata), read from Parquet and Arrow files written by other libraries'
 * writers (hyparquet-writer, apache-arrow), and used as the class names of the report.
 */
import { strict as assert } from 'node:assert';
import { Field, Float64, Int64, List, RecordBatchStreamWriter, Schema, Table, makeVector, vectorFromArray } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { analyze } from '../../src/core/analyze';
import { openArrow } from '../../src/core/columnar/arrow';
import { classLabelNames } from '../../src/core/columnar/hf-features';
import { openParquet } from '../../src/core/columnar/parquet';
import { bytesSource } from '../../src/core/parse/memory-source';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';

// As datasets 2.x / 3.x write it: a Sequence of logits and a ClassLabel.
const FEATURES = JSON.stringify({
  info: { features: { logits: { feature: { dtype: 'float64', _type: 'Value' }, _type: 'Sequence' }, label: { names: ['neg', 'neu', 'pos'], _type: 'ClassLabel' } } },
});
const LOGITS = [[0.1, 2.0, -1.0], [1.5, 0.2, 0.3], [-0.5, 0.0, 2.5], [0.3, 0.1, 0.2]];
const LABELS = [1, 0, 2, 1];
/** The mean cross-entropy of LOGITS against LABELS, computed here. */
const MEAN = LOGITS.reduce((sum, z, i) => sum + Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[LABELS[i]!]!, 0) / LOGITS.length;

describe('Hugging Face ClassLabel names in Parquet and Arrow metadata', () => {
  it('reads the names of each ClassLabel column, and nothing from metadata that is not such', () => {
    assert.deepEqual([...classLabelNames(FEATURES)], [['label', ['neg', 'neu', 'pos']]]);
    assert.equal(classLabelNames(undefined).size, 0);
    assert.equal(classLabelNames('{not json').size, 0);
    assert.equal(classLabelNames(JSON.stringify({ info: { features: { label: { num_classes: 3, _type: 'ClassLabel' } } } })).size, 0);
    assert.equal(classLabelNames(JSON.stringify({ info: { features: { label: { names: [1, 2], _type: 'ClassLabel' } } } })).size, 0);
  });

  it('names the classes of a Parquet file from its huggingface metadata, and says so', async () => {
    // One probability column per class (as a frame of softmax outputs is written), and the ClassLabel.
    const probs = LOGITS.map((z) => z.map((v) => Math.exp(v) / z.reduce((s, w) => s + Math.exp(w), 0)));
    const bytes = new Uint8Array(parquetWriteBuffer({
      columnData: [
        ...[0, 1, 2].map((k) => ({ name: `prob_${k}`, data: probs.map((r) => r[k]!), type: 'DOUBLE' as const })),
        { name: 'label', data: LABELS.map(BigInt), type: 'INT64' as const },
      ],
      kvMetadata: [{ key: 'huggingface', value: FEATURES }],
    }));
    const file = await openParquet(bytesSource('hf.parquet', bytes));
    assert.deepEqual([...(file.labelNames ?? [])], [['label', ['neg', 'neu', 'pos']]]);
    const a = await analyze(bytesSource('hf.parquet', bytes), requestFor(DEFAULT_CONFIG, {}));
    assert.deepEqual(a.layout.classNames, ['neg', 'neu', 'pos']);
    assert.ok(a.layout.evidence.includes('class names neg, neu, pos (from the Hugging Face ClassLabel feature of label)'), a.layout.evidence.join('\n'));
    assert.ok(Math.abs(a.breakdown.mean - MEAN) < 1e-12);
  });

  it('reads an Arrow stream as datasets caches it: the ClassLabel names become the class names of the report', async () => {
    const logits = vectorFromArray(LOGITS, new List(new Field('item', new Float64(), true)));
    const label = makeVector(BigInt64Array.from(LABELS.map(BigInt)));
    const schema = new Schema([new Field('logits', logits.type, true), new Field('label', new Int64(), true)], new Map([['huggingface', FEATURES]]));
    const table = new Table(schema, { logits, label });
    const bytes = RecordBatchStreamWriter.writeAll(table).toUint8Array(true);
    const file = await openArrow(bytesSource('cache.arrow', bytes));
    assert.deepEqual([...(file.labelNames ?? [])], [['label', ['neg', 'neu', 'pos']]]);
    const a = await analyze(bytesSource('cache.arrow', bytes), requestFor(DEFAULT_CONFIG, {}));
    assert.deepEqual(a.layout.classNames, ['neg', 'neu', 'pos']);
    assert.ok(a.layout.evidence.includes('class names neg, neu, pos (from the Hugging Face ClassLabel feature of label)'), a.layout.evidence.join('\n'));
    assert.ok(Math.abs(a.breakdown.mean - MEAN) < 1e-12);
  });
});
