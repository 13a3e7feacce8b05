// A 1000-class prediction file whose confusions are known by construction, for the dashboard at
// large K (the e2e test test/e2e/many-classes.e2e.test.ts and scripts/bench/dashboard-render.mjs):
// every class predicted right twice, 24 planted confusions a -> b seen 60, 58, ..., 14 times,
// and 600 single confusions drawn at random (seeded). Written at run time, not committed: a dense
// CSV of 1000 logits per row is ~7 MB.
import { rng } from './rng.mjs';

const ADJECTIVES = ['amber', 'brisk', 'coral', 'dusky', 'eager', 'fuzzy', 'gilded', 'hazel', 'ivory', 'jade', 'keen', 'lunar', 'misty', 'noble', 'olive', 'plain', 'quiet', 'rusty', 'sandy', 'tawny', 'umber', 'vivid', 'wild', 'young', 'zesty'];
const NOUNS = ['badger', 'beetle', 'bison', 'crane', 'cricket', 'dingo', 'egret', 'falcon', 'ferret', 'gecko', 'heron', 'ibis', 'jackal', 'kestrel', 'koala', 'lemur', 'lynx', 'marmot', 'moth', 'newt', 'ocelot', 'otter', 'panda', 'puffin', 'quail', 'raven', 'salmon', 'skink', 'stoat', 'tapir', 'toucan', 'trout', 'vole', 'walrus', 'wasp', 'wombat', 'yak', 'zebra', 'bream', 'shrew'];

/** 1000 readable class names, adjective_noun, in a fixed order. */
export const MANY_CLASS_NAMES = ADJECTIVES.flatMap((a) => NOUNS.map((n) => `${a}_${n}`));

/**
 * The file and what is in it: `pairs` are the planted confusions, largest first, with each true
 * class's support (every confusion of the file, random ones included, is in `cells`).
 */
export function manyClassesCsv(seed = 1000) {
  const rand = rng(seed);
  const k = MANY_CLASS_NAMES.length;
  const rows = []; // [true, predicted]
  for (let c = 0; c < k; c++) rows.push([c, c], [c, c]);
  const planted = [];
  for (let i = 0; i < 24; i++) {
    // Spread over the classes (37 is prime to 1000), each true class planted once.
    const t = (i * 37 + 5) % k;
    const p = (t + 1 + ((i * 131) % (k - 1))) % k;
    const count = 60 - 2 * i;
    planted.push({ true: t, predicted: p, count });
    for (let j = 0; j < count; j++) rows.push([t, p]);
  }
  for (let j = 0; j < 600; j++) {
    const t = Math.floor(rand() * k);
    const p = (t + 1 + Math.floor(rand() * (k - 1))) % k;
    rows.push([t, p]);
  }
  // Shuffled, so a file read in parts sees every class early.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const cells = new Map();
  const support = new Array(k).fill(0);
  for (const [t, p] of rows) {
    support[t]++;
    cells.set(`${t},${p}`, (cells.get(`${t},${p}`) ?? 0) + 1);
  }
  const lines = ['label,' + MANY_CLASS_NAMES.map((n) => `logit_${n}`).join(',')];
  const zeros = new Array(k).fill('0');
  for (const [t, p] of rows) {
    const z = zeros.slice();
    z[p] = (3 + Math.floor(rand() * 30) / 10).toFixed(1);
    if (t !== p) z[t] = (Math.floor(rand() * 25) / 10).toFixed(1);
    // One negative logit per row, so no reader takes the rows for percentages.
    const q = (Math.max(t, p) + 1) % k;
    z[q] = '-1';
    lines.push(`${MANY_CLASS_NAMES[t]},${z.join(',')}`);
  }
  return {
    text: lines.join('\n') + '\n',
    names: MANY_CLASS_NAMES,
    rows: rows.length,
    cells,
    support,
    pairs: planted.map((x) => ({ ...x, support: support[x.true] })),
  };
}
