// Writes samples/: small, realistic prediction files that show each layout Loss Lens reads.
// Deterministic (seeded PRNG, no dependencies). binary.csv and digits.csv are real out-of-fold
// predictions taken from ../shared/data when that folder exists; without it the committed files
// are left as they are (or, if missing, a synthetic stand-in is written and says so).
// Run: node scripts/gen-samples.mjs [outDir]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './lib/rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'samples');
const shared = process.env.LOSS_LENS_SHARED_DATA ?? join(root, '..', 'shared', 'data');
mkdirSync(out, { recursive: true });

const gaussian = (rand) => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
/** Six significant digits, as numpy's savetxt('%.6g') would write them. */
const g6 = (x) => {
  if (x === 0) return '0';
  const s = x.toPrecision(6);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e').replace(/e([+-])(\d)$/, 'e$10$2') : s.replace(/\.?0+$/, '');
};
const softmax = (z) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const write = (name, text) => {
  writeFileSync(join(out, name), text);
  console.log(`${name}: ${text.length} bytes`);
};
const csvRows = (path) =>
  readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));

// binary.csv: breast cancer, logistic regression (real), with a sample id.
{
  const src = join(shared, 'breast_cancer_logreg.csv');
  if (existsSync(src)) {
    const rows = csvRows(src);
    write('binary.csv', ['id,y_true,y_prob', ...rows.map(([y, p], i) => `bc-${String(i + 1).padStart(3, '0')},${y},${p}`)].join('\n') + '\n');
  } else if (!existsSync(join(out, 'binary.csv'))) {
    const rand = rng(11);
    const lines = ['id,y_true,y_prob'];
    for (let i = 0; i < 569; i++) {
      const y = rand() < 0.63 ? 0 : 1;
      lines.push(`bc-${String(i + 1).padStart(3, '0')},${y},${g6(sigmoid(gaussian(rand) * 2.5 + (y ? 4 : -4)))}`);
    }
    write('binary.csv', lines.join('\n') + '\n');
  }
}

// digits.csv: handwritten digits, logistic regression (real); labels and columns use class names.
const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
{
  const src = join(shared, 'digits_logreg.csv');
  const header = ['id', 'label', ...DIGITS.map((d) => `prob_${d}`)].join(',');
  if (existsSync(src)) {
    // Every other row keeps the file small while keeping all ten classes and their confusions.
    const rows = csvRows(src).filter((_, i) => i % 2 === 0);
    write('digits.csv', [header, ...rows.map(([y, ...p], i) => [`digit-${String(2 * i + 1).padStart(4, '0')}`, DIGITS[Number(y)], ...p.map((v) => g6(Number(v)))].join(','))].join('\n') + '\n');
  } else if (!existsSync(join(out, 'digits.csv'))) {
    const rand = rng(12);
    const lines = [header];
    for (let i = 0; i < 899; i++) {
      const y = Math.floor(rand() * 10);
      const p = softmax(DIGITS.map((_, k) => gaussian(rand) + (k === y ? 5 : 0)));
      lines.push([`digit-${String(2 * i + 1).padStart(4, '0')}`, DIGITS[y], ...p.map(g6)].join(','));
    }
    write('digits.csv', lines.join('\n') + '\n');
  }
}

// multilabel.csv: tags on street photos; labels are lists of names in a quoted field.
{
  const rand = rng(3);
  const names = ['car', 'cat', 'dog'];
  const prior = [0.45, 0.3, 0.35];
  const lines = ['image,labels,p_car,p_cat,p_dog'];
  for (let i = 0; i < 240; i++) {
    const y = names.map((_, k) => rand() < prior[k]);
    const p = names.map((_, k) => sigmoid(gaussian(rand) * 1.6 + (y[k] ? 2.2 : -2.2)));
    const tags = names.filter((_, k) => y[k]).join(',');
    lines.push([`img_${String(i).padStart(4, '0')}.jpg`, tags.includes(',') ? `"${tags}"` : tags, ...p.map(g6)].join(','));
  }
  write('multilabel.csv', lines.join('\n') + '\n');
}

// hf_logits.jsonl: what a Hugging Face evaluation loop dumps: label_ids and raw logits per line.
{
  const rand = rng(4);
  const texts = ['great service', 'not bad at all', 'terrible, never again', 'it was fine', 'loved it', 'meh', 'awful', 'okay I guess'];
  const lines = [];
  for (let i = 0; i < 300; i++) {
    const y = Math.floor(rand() * 3);
    const z = [0, 1, 2].map((k) => Number((gaussian(rand) * 1.3 + (k === y ? 2.4 : 0) - 0.8).toFixed(4)));
    lines.push(JSON.stringify({ idx: i, text: texts[Math.floor(rand() * texts.length)], label_ids: y, predictions: z }));
  }
  write('hf_logits.jsonl', lines.join('\n') + '\n');
}

// soft_labels.csv: 3 classes, targets are the share of 5 annotators who chose each class.
{
  const rand = rng(5);
  const lines = ['id,t_0,t_1,t_2,p_0,p_1,p_2'];
  for (let i = 0; i < 200; i++) {
    const y = Math.floor(rand() * 3);
    const votes = [0, 0, 0];
    for (let a = 0; a < 5; a++) votes[rand() < 0.75 ? y : Math.floor(rand() * 3)]++;
    const t = votes.map((v) => v / 5);
    const p = softmax([0, 1, 2].map((k) => gaussian(rand) * 0.9 + 2 * t[k]));
    lines.push([`s${i}`, ...t.map(String), ...p.map(g6)].join(','));
  }
  write('soft_labels.csv', lines.join('\n') + '\n');
}

// problems.csv: a small 3-class file with one deliberate problem per marked line (see README).
{
  const rand = rng(6);
  const lines = ['id,label,p_0,p_1,p_2'];
  for (let i = 0; i < 14; i++) {
    const y = Math.floor(rand() * 3);
    const p = softmax([0, 1, 2].map((k) => gaussian(rand) + (k === y ? 2 : 0)));
    lines.push([`r${i + 1}`, y, ...p.map((v) => v.toFixed(4))].join(','));
  }
  // lines[k] is file line k + 1.
  lines[3] = 'r3,1,0.2,abc,0.3'; // line 4, column 10: not a number
  lines[5] = 'r5,0,0.7,0.3'; // line 6: ragged (4 fields, 5 expected)
  lines[7] = 'r7,2,0.1,0.2,1.3'; // line 8, column 14: probability > 1
  lines[9] = 'r9,0,NaN,0.5,0.5'; // line 10, column 6: NaN
  write('problems.csv', lines.join('\n') + '\n');
}

// epoch_1.csv, epoch_2.csv: one spam filter's validation predictions after two epochs, over the
// same 400 emails in the same order (for Compare With...). Epoch 2 is better on most emails and
// more confident everywhere, so its few mistakes (mislabelled emails) cost more. Written to 4
// decimals, as a logging callback often does: the most confident predictions round to exactly 0
// or 1, which is where the presets part ways (PyTorch's BCELoss clamps the log at -100, classic
// log loss clips p to 1e-15).
{
  const rand = rng(7);
  const emails = [];
  for (let i = 0; i < 400; i++) {
    const spam = rand() < 0.4 ? 1 : 0;
    // A few labels disagree with what the text says: the model learns the text, not the label.
    const looksSpam = rand() < 0.03 ? 1 - spam : spam;
    emails.push({ id: `mail-${String(i + 1).padStart(4, '0')}`, spam, looksSpam, ease: 1 + gaussian(rand) * 0.9, noise: [gaussian(rand), gaussian(rand)] });
  }
  const epoch = (k, scale) => {
    const lines = ['email_id,label,p_spam'];
    for (const e of emails) {
      const z = scale * (2 * e.looksSpam - 1) * e.ease + e.noise[k] * (k === 0 ? 1.4 : 0.9);
      lines.push(`${e.id},${e.spam},${sigmoid(z).toFixed(4)}`);
    }
    return lines.join('\n') + '\n';
  };
  write('epoch_1.csv', epoch(0, 1.6));
  write('epoch_2.csv', epoch(1, 5.5));
}

// overconfident_logits.csv: an image classifier's logits (5 classes) from a network trained too
// long: the labels follow softmax(z) of well-calibrated scores, but the file holds 3 z. Its
// dashboard's Calibration versus refinement section fits T* near 3.
{
  const rand = rng(13);
  const classes = ['airplane', 'car', 'bird', 'cat', 'deer'];
  const lines = [`label,${classes.map((c) => `logit_${c}`).join(',')}`];
  for (let i = 0; i < 400; i++) {
    const z = classes.map(() => gaussian(rand) * 1.4);
    const p = softmax(z);
    let u = rand();
    let y = 0;
    while (y < classes.length - 1 && u >= p[y]) u -= p[y++];
    lines.push([classes[y], ...z.map((v) => (3 * v).toFixed(3))].join(','));
  }
  write('overconfident_logits.csv', lines.join('\n') + '\n');
}

// ner_tokens.csv: a token classifier's logits, one row per token, as a Hugging Face
// token-classification evaluation flattens them: sub-word pieces after the first and the padding
// carry the label -100 (PyTorch's ignore_index), which the loss leaves out.
{
  const rand = rng(29);
  const tags = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
  const lines = [`sentence,token,label,${tags.map((t) => `logit_${t}`).join(',')}`];
  const words = ['Ada', 'Lovelace', 'moved', 'to', 'London', 'in', '1835', 'and', 'met', 'Charles', 'Babbage', 'at', 'Marylebone'];
  const tagOf = { Ada: 1, Lovelace: 2, London: 3, Charles: 1, Babbage: 2, Marylebone: 3 };
  for (let s = 0; s < 24; s++) {
    const len = 6 + Math.floor(rand() * 6);
    for (let w = 0; w < len; w++) {
      const word = words[Math.floor(rand() * words.length)];
      const y = tagOf[word] ?? 0;
      // Long words split into two pieces: the second is labelled -100.
      const pieces = word.length > 6 ? [word.slice(0, 4), `##${word.slice(4)}`] : [word];
      pieces.forEach((piece, i) => {
        const z = tags.map((_, k) => gaussian(rand) * 1.2 + (k === y ? 2.5 : 0));
        lines.push([s, piece, i === 0 ? y : -100, ...z.map((v) => v.toFixed(3))].join(','));
      });
    }
    // Padding to 12 tokens.
    for (let pad = len; pad < 12; pad++) lines.push([s, '[PAD]', -100, ...tags.map(() => (gaussian(rand) * 0.5).toFixed(3))].join(','));
  }
  write('ner_tokens.csv', lines.join('\n') + '\n');
}
