/**
 * "Never a silent wrong number", second sweep: a NumPy vector per CSV cell (wrapped, scientific,
 * elided), transformers pipeline(top_k=None) output, a MultiIndex and float_format='%.3f' CSV,
 * torch.save (scripts/fixtures/real-writers-2.py: numpy, pandas, torch; references by PyTorch on
 * the numbers as read back). The rules per file are in test/unit/real-writers-helpers.ts.
 */
import { realWritersSweep } from './real-writers-helpers';

realWritersSweep('more files written by the usual pandas / NumPy / transformers / torch calls (test/fixtures/real-writers-2)', 'test/fixtures/real-writers-2', 10);
