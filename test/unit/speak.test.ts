import { strict as assert } from 'node:assert';
import { foundBesideEvidence } from '../../src/core/columnar/pairing';
import { cliSpeaker, editorSpeaker } from '../../src/shared/speak';

describe('messages in the words of the interface', () => {
  it('leaves the CLI its flags', () => {
    assert.equal(cliSpeaker('read with --input logits'), 'read with --input logits');
  });

  it('says a pair\'s labels file is chosen in the CLI, where the editor has no way to choose it', () => {
    const evidence = foundBesideEvidence('runs/labels.npy', 'runs/logits.npy');
    assert.equal(cliSpeaker(evidence), 'labels.npy found beside logits.npy by name (--labels FILE reads another)');
    assert.equal(editorSpeaker(evidence), "labels.npy found beside logits.npy by name (the CLI's --labels FILE reads another)");
  });

  it('names the editor command for each flag, once for a run of flags', () => {
    assert.equal(editorSpeaker('if these are logits, read with --input logits'), 'if these are logits, read with Loss Lens: Choose Columns... (logits)');
    assert.equal(
      editorSpeaker('Name the label column with --label-column NAME'),
      'Name the label column with Loss Lens: Choose Columns... (the label column)',
    );
    assert.equal(
      editorSpeaker('other reading: --input logits --class-names b,a; or not'),
      'other reading: Loss Lens: Choose Columns... (logits, the class names); or not',
    );
    assert.equal(
      editorSpeaker(`say so with --class-names '["a, b","c"]' (column order)`),
      'say so with Loss Lens: Choose Columns... (the class names) (column order)',
    );
    assert.equal(editorSpeaker('or leave them out with --skip-invalid (counted)'), 'or leave them out with Skip Invalid Rows (the button on the error) (counted)');
    assert.equal(editorSpeaker('no flags here'), 'no flags here');
  });
});
