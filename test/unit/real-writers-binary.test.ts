/**
 * "Never a silent wrong number", binary files by the real writers: pandas + pyarrow (to_parquet
 * with and without a stored index, to_feather LZ4 / zstd / uncompressed / in batches, Categorical
 * labels, nullable Int64 and float64 with a missing label, float16), polars (write_parquet zstd, write_ipc and
 * its stream, large_list and fixed-size list logits, string_view and large_string labels, Enum and
 * Categorical labels), Hugging Face datasets to_parquet (ClassLabel, Sequence(float32), multi-label Sequence(ClassLabel) refused naming the multi-hot fix), safetensors
 * (torch float32 / float16 / bfloat16, numpy), DuckDB COPY of an ENUM, NumPy savez unnamed and
 * pairs of .npy by name (scripts/fixtures/real-writers-binary.py; references by PyTorch on the
 * numbers as read back by each writer's reader). Rules per file: test/unit/real-writers-helpers.ts.
 */
import { strict as assert } from 'node:assert';
import { polarsEnumValues } from '../../src/core/columnar/categories';
import { classLabelListNames } from '../../src/core/columnar/hf-features';
import { realWritersSweep } from './real-writers-helpers';

realWritersSweep('binary files written by pyarrow, polars, datasets, safetensors, DuckDB and NumPy (test/fixtures/real-writers-binary)', 'test/fixtures/real-writers-binary', 54, () => {
  it("a polars Enum's values: lengths in UTF-8 bytes, a ';' inside a value (as polars 1.44 writes pl.Enum(['négatif', 'ok', 'a;b']))", () => {
    assert.deepEqual(polarsEnumValues(new Map([['_PL_ENUM_VALUES2', '8;négatif2;ok3;a;b']])), ['négatif', 'ok', 'a;b']);
    // Not that text: no order is taken from it.
    assert.equal(polarsEnumValues(new Map([['_PL_ENUM_VALUES2', '9;négatif']])), undefined);
    assert.equal(polarsEnumValues(new Map([['_PL_CATEGORICAL2', '0;0;u32;']])), undefined);
  });

  it('lists of ClassLabel ids as datasets 2.x/3.x (Sequence) and 4+ (List) record them; a ClassLabel or a list of floats is not one', () => {
    const features = (f: unknown) => JSON.stringify({ info: { features: f } });
    const ids = { feature: { names: ['a', 'b'], _type: 'ClassLabel' }, _type: 'Sequence' };
    assert.deepEqual([...classLabelListNames(features({ labels: ids }))], [['labels', ['a', 'b']]]);
    assert.deepEqual([...classLabelListNames(features({ labels: { ...ids, _type: 'List' } }))], [['labels', ['a', 'b']]]);
    assert.equal(classLabelListNames(features({ label: { names: ['a', 'b'], _type: 'ClassLabel' }, logits: { feature: { dtype: 'float32', _type: 'Value' }, _type: 'List' } })).size, 0);
  });
});
