/** What Export Report... says working out the diagnostics would cost above lossLens.extraPasses.autoMaxMillionScores. */
import assert from 'node:assert/strict';
import { extraPassesCost } from '../../src/core/diagnostics';
import type { AnalysisRequest } from '../../src/core/analyze';

const request = { loss: {}, overrides: {} } as unknown as AnalysisRequest;

describe('extra passes cost (Export Report... over the limit)', () => {
  it('temperature 4 passes, label issues 5 (prune by noise rate) or 2 (confident learning), each as long as the report', () => {
    assert.deepEqual(extraPassesCost(['temperature', 'labelIssues'], request, 760), {
      names: ['the temperature (calibration versus refinement)', 'likely label errors'], passes: 9, seconds: 6.84,
    });
    assert.equal(extraPassesCost(['labelIssues'], { ...request, labelIssuesFilter: 'confident-learning' }, 1000).passes, 2);
    assert.deepEqual(extraPassesCost([], request, 1000), { names: [], passes: 0, seconds: 0 });
  });
});
