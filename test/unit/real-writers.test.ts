/**
 * "Never a silent wrong number", tried as a new user would: prediction files written by the usual
 * pandas / NumPy / Hugging Face / Keras calls (scripts/fixtures/real-writers.py: numpy 2.4,
 * pandas 3, pyarrow), each read by the CLI (`node dist/cli.js FILE --json`) and held to the
 * reference in test/fixtures/real-writers/references.json, computed by NumPy on the numbers as
 * read back from the file (cross-checked with PyTorch and scikit-learn by
 * scripts/fixtures/real-writers-check.py). No Python at test time. The rules per file are in
 * test/unit/real-writers-helpers.ts.
 */
import { realWritersSweep } from './real-writers-helpers';

realWritersSweep('files written by the usual pandas / NumPy / Hugging Face / Keras calls (test/fixtures/real-writers)', 'test/fixtures/real-writers', 50);
