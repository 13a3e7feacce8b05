/**
 * A live run takes a file only when it is whole: real files (written by NumPy, pandas/pyarrow,
 * safetensors, a CSV and a JSONL) cut short in a tmp folder are refused with what is missing,
 * whole ones taken; and a file still growing is taken only after its writer stopped.
 */
import { strict as assert } from 'node:assert';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeness } from '../../src/core/run/complete';
import { endsOf, settleFile, type FileAccess } from '../../src/extension/run/settle-file';

const fixtures = join(__dirname, '..', 'fixtures');
const files: Record<string, string> = {
  'epoch.csv': join(fixtures, 'run', 'order', 'epoch_1.csv'),
  'probs.npy': join(fixtures, 'run-live', 'probs.npy'),
  'epoch.npz': join(fixtures, 'run-live', 'epoch.npz'),
  'epoch.parquet': join(fixtures, 'real-writers', 'to_parquet_index.parquet'),
  'epoch.safetensors': join(fixtures, 'binary', 'predictions.safetensors'),
};

const access = (path: string): FileAccess => ({
  stamp: async () => {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  },
  ends: async () => endsOf(await readFile(path)),
});

describe('live run: a file is taken only when whole', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loss-lens-live-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const judge = async (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return settleFile(name, access(path), { quietMs: 30, pollMs: 10 });
  };

  for (const [name, source] of Object.entries(files)) {
    it(`${name}: whole is taken, cut anywhere is not`, async () => {
      const bytes = await readFile(source);
      assert.deepEqual(await judge(name, bytes), { state: 'ready', checked: true });
      // Cut at several points, as a writer flushing in pieces leaves it (a CSV cut at a line end is whole text: skipped).
      for (const at of [1, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 1]) {
        const part = bytes.subarray(0, at);
        if (name.endsWith('.csv') && part.at(-1) === 0x0a) continue;
        const r = await judge(name, part);
        assert.equal(r.state, 'incomplete', `${name} cut at ${at} of ${bytes.length} bytes was taken`);
      }
    });
  }

  it('says what is missing', async () => {
    const npy = await readFile(files['probs.npy']!);
    assert.deepEqual(await judge('probs.npy', npy.subarray(0, 200)), { state: 'incomplete', why: "its header's shape (40, 3) of <f4 asks for 608 bytes; it has 200" });
    const parquet = await readFile(files['epoch.parquet']!);
    assert.deepEqual(await judge('e.parquet', parquet.subarray(0, parquet.length - 2)), { state: 'incomplete', why: 'it does not end with PAR1 (its footer is not written yet)' });
    assert.deepEqual(await judge('e.csv', new TextEncoder().encode('label,p0,p1\n0,0.2,0.')), { state: 'incomplete', why: 'its last line has no line break (a row cut short)' });
    assert.deepEqual(await judge('e.csv', new Uint8Array()), { state: 'incomplete', why: 'the file is empty' });
  });

  it('JSONL: the last line must parse, not only end with a line break', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.deepEqual(await judge('e.jsonl', enc('{"label": 0, "probs": [0.2, 0.8]}\n{"label": 1, "probs": [0.3, 0.7]}\n')), { state: 'ready', checked: true });
    assert.equal((await judge('e.jsonl', enc('{"label": 0, "probs": [0.2, 0.8]}\n{"label": 1, "pro'))).state, 'incomplete');
    // A line break inside a record's text cannot happen in JSONL; a writer cut after one anyway is refused.
    assert.deepEqual(await judge('e.jsonl', enc('{"label": 0, "probs": [0.2, 0.8]}\n{"label": 1,\n')), { state: 'incomplete', why: 'its last line is not JSON (a record cut short)' });
  });

  it('gzip is taken on the settle alone, and says so', () => {
    assert.deepEqual(completeness('e.csv.gz', 10, new Uint8Array(10), new Uint8Array(10)), { complete: true, checked: false });
  });

  it('a growing file is taken after its writer stopped, not before', async () => {
    const path = join(dir, 'epoch_08.csv');
    await writeFile(path, 'label,p0,p1\n');
    let stopped = 0;
    const writer = (async () => {
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 40));
        await appendFile(path, `${i % 2},0.${i + 1},0.${9 - i}\n`);
      }
      stopped = Date.now();
    })();
    const r = await settleFile('epoch_08.csv', access(path), { quietMs: 150, pollMs: 20 });
    const at = Date.now();
    await writer;
    assert.deepEqual(r, { state: 'ready', checked: true });
    assert.ok(stopped > 0 && at - stopped >= 140, `taken ${at - stopped} ms after the last write`);
    assert.equal((await readFile(path, 'utf8')).split('\n').length, 10);
  });

  it('a file that never stops changing is reported at the cap, not read', async () => {
    const path = join(dir, 'epoch_09.csv');
    await writeFile(path, 'label,p0,p1\n');
    let go = true;
    const writer = (async () => {
      while (go) {
        await appendFile(path, '0,0.5,0.5\n');
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const r = await settleFile('epoch_09.csv', access(path), { quietMs: 200, pollMs: 20, capMs: 400 });
    go = false;
    await writer;
    assert.deepEqual(r, { state: 'incomplete', why: 'it was still changing after 400 ms' });
  });
});
