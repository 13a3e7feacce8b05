// Writes the benchmark's input files once (deterministic; cached outside the clone).
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../lib/rng.mjs';


function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
}

async function writeRows(path, header, rows, rowFn) {
  if (existsSync(path)) return path;
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp, { highWaterMark: 1 << 22 });
  out.write(header + '\n');
  const batch = 20000;
  for (let start = 0; start < rows; start += batch) {
    let text = '';
    for (let i = start; i < Math.min(rows, start + batch); i++) text += rowFn(i) + '\n';
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  renameSync(tmp, path);
  return path;
}

/** A classifier that is right most of the time, with softmax outputs written to 8 decimals. */
function probsRow(rand, k) {
  const label = Math.floor(rand() * k);
  const z = new Array(k);
  let max = -Infinity;
  for (let c = 0; c < k; c++) {
    z[c] = gaussian(rand) + (c === label ? 2.5 : 0);
    if (z[c] > max) max = z[c];
  }
  let sum = 0;
  for (let c = 0; c < k; c++) { z[c] = Math.exp(z[c] - max); sum += z[c]; }
  let line = String(label);
  for (let c = 0; c < k; c++) line += ',' + (z[c] / sum).toFixed(8);
  return line;
}

export async function generate(dir) {
  mkdirSync(dir, { recursive: true });
  const files = {};
  {
    const rand = rng(1);
    const k = 10;
    const header = ['label', ...Array.from({ length: k }, (_, c) => `p_${c}`)].join(',');
    files.multiclass = await writeRows(join(dir, 'probs_1M_x10.csv'), header, 1_000_000, () => probsRow(rand, k));
  }
  {
    const rand = rng(2);
    const k = 1000;
    const header = ['label', ...Array.from({ length: k }, (_, c) => `logit_${c}`)].join(',');
    files.logits = await writeRows(join(dir, 'logits_20k_x1000.csv'), header, 20_000, () => {
      const label = Math.floor(rand() * k);
      let line = String(label);
      for (let c = 0; c < k; c++) line += ',' + (gaussian(rand) * 2 + (c === label ? 4 : 0)).toFixed(4);
      return line;
    });
  }
  {
    const rand = rng(3);
    files.binary = await writeRows(join(dir, 'binary_5M.csv'), 'y_true,y_prob', 5_000_000, () => {
      const y = rand() < 0.4 ? 1 : 0;
      const z = gaussian(rand) * 1.5 + (y ? 1.8 : -1.8);
      return `${y},${(1 / (1 + Math.exp(-z))).toFixed(8)}`;
    });
  }
  return files;
}
