/**
 * Arrays saved apart, paired by name: the other half of an `.npy` pair among a folder's names, the
 * names given to the arrays of a pair, and which of two files chosen together holds the labels.
 */
import { strict as assert } from 'node:assert';
import { chosenLabelsEvidence, foundBesideEvidence, labelsAmong, labelsEvidence, npyPair } from '../../src/core/columnar/pairing';
import { pairNames } from '../../src/core/columnar/open';

describe('pairing arrays saved apart', () => {
  it('finds the other half of an .npy pair by name, from either half, with a shared prefix and suffix', () => {
    const names = ['val_logits_ep3.npy', 'val_labels_ep3.npy', 'train_logits_ep3.npy', 'README.md'];
    assert.deepEqual(npyPair('/runs/val_logits_ep3.npy', names), { predictions: '/runs/val_logits_ep3.npy', labels: '/runs/val_labels_ep3.npy' });
    assert.deepEqual(npyPair('/runs/val_labels_ep3.npy', names), { predictions: '/runs/val_logits_ep3.npy', labels: '/runs/val_labels_ep3.npy' });
    // train_ has no labels beside it; a file that is no .npy pairs with nothing.
    assert.equal(npyPair('/runs/train_logits_ep3.npy', names), undefined);
    assert.equal(npyPair('/runs/val_logits_ep3.csv', names), undefined);
    assert.deepEqual(npyPair('probs.npy', ['probs.npy', 'Y_TRUE.npy']), { predictions: 'probs.npy', labels: 'Y_TRUE.npy' });
  });

  it('names the arrays of a pair by what differs in their names', () => {
    assert.deepEqual(pairNames(['/a/val_logits.npy', '/a/val_labels.npy']), ['logits', 'labels']);
    assert.deepEqual(pairNames(['/a/logits_ep3.npy', '/a/labels_ep3.npy']), ['logits', 'labels']);
    // Nothing in common: the stems as they are.
    assert.deepEqual(pairNames(['/a/z.npy', '/a/y.npy']), ['z', 'y']);
  });

  it('tells which of two files chosen together holds the labels by their names, or that the names do not tell', () => {
    assert.equal(labelsAmong('/r/logits.npy', '/r/labels.npy'), 1);
    assert.equal(labelsAmong('/r/y_true.npy', '/r/model_out.safetensors'), 0);
    // A scores' name alone tells too: the other holds the labels.
    assert.equal(labelsAmong('/r/probs.npy', '/r/ground.npy'), 1);
    assert.equal(labelsAmong('/r/a.npy', '/r/b.npy'), undefined);
    assert.equal(labelsAmong('/r/labels_a.npy', '/r/labels_b.npy'), undefined);
  });

  it('says how a labels file was found or chosen, by the files\' names', () => {
    assert.equal(foundBesideEvidence('runs/labels.npy', 'runs/logits.npy'), 'labels.npy found beside logits.npy by name (--labels FILE reads another)');
    assert.equal(chosenLabelsEvidence('runs/b.npy', 'runs/a.npy'), "b.npy holds the labels of a.npy's rows (the two were chosen together)");
    assert.equal(labelsEvidence({ name: 'runs/b.npy', found: false }, 'runs/a.npy'), chosenLabelsEvidence('runs/b.npy', 'runs/a.npy'));
    assert.equal(labelsEvidence({ name: 'runs/labels.npy', found: true }, 'runs/logits.npy'), foundBesideEvidence('runs/labels.npy', 'runs/logits.npy'));
  });
});
