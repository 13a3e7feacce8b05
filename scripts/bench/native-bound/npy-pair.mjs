// Writes only the .npy pair of scripts/bench/binary.mts (same generator, same bytes) for
// BENCH_BINARY_ROWS rows (default 8,000,000) into binary-<rows>/ of the bench cache: the other
// formats of that bench take minutes to write at 8M rows and the bound needs only the pair.
// Prints the directory.
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../../lib/rng.mjs';

const ROWS = Number(process.env.BENCH_BINARY_ROWS ?? 8_000_000);
const K = 10;
const dir = join(process.env.LOSS_LENS_BENCH_DIR ?? join(homedir(), '.cache', 'loss-lens', 'bench'), `binary-${ROWS}`);

function npyHeader(descr, shape) {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), 10);
  return out;
}

const npy = join(dir, 'logits.npy');
const labels = join(dir, 'labels.npy');
if (!existsSync(npy) || !existsSync(labels)) {
  mkdirSync(dir, { recursive: true });
  const next = rng(13);
  const z = new Float32Array(ROWS * K);
  const y = new BigInt64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const label = Math.floor(next() * K);
    y[i] = BigInt(label);
    for (let k = 0; k < K; k++) z[i * K + k] = (next() - 0.5) * 6 + (k === label ? 2.5 : 0);
  }
  const write = (path, ...parts) => {
    const fd = openSync(path, 'w');
    for (const p of parts) writeSync(fd, p);
    closeSync(fd);
  };
  write(npy, npyHeader('<f4', [ROWS, K]), new Uint8Array(z.buffer));
  write(labels, npyHeader('<i8', [ROWS]), new Uint8Array(y.buffer));
}
console.log(dir);
