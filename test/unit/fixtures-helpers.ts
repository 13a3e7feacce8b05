/** Test-only helpers: read the committed reference fixtures and compare with a tolerance. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LossOptions, PresetName, Sample } from '../../src/core/types';

type Encoded = number | 'Infinity' | '-Infinity' | 'NaN';

export interface ReferenceCase {
  name: string;
  source: string;
  options: Omit<LossOptions, 'preset'>;
  presets: PresetName[];
  numClasses: number;
  rtol: number;
  atol: number;
  samples: Sample[];
  perSample: number[];
  mean: number;
  note?: string;
}

export function decode(v: Encoded): number {
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return Number.NaN;
  return v;
}

function decodeList(a: readonly Encoded[]): number[] {
  return a.map(decode);
}

interface RawSample { prediction: Encoded[]; target: Encoded | Encoded[]; weight?: Encoded }
interface RawCase extends Omit<ReferenceCase, 'samples' | 'perSample' | 'mean'> {
  samples: RawSample[];
  perSample: Encoded[];
  mean: Encoded;
}

export function loadFixture(name: string): { versions: Record<string, string>; cases: ReferenceCase[] } {
  const raw = JSON.parse(readFileSync(join('test', 'fixtures', 'reference', name), 'utf8')) as {
    versions: Record<string, string>;
    cases: RawCase[];
  };
  return {
    versions: raw.versions,
    cases: raw.cases.map((c) => ({
      ...c,
      samples: c.samples.map((s) => ({
        prediction: decodeList(s.prediction),
        target: Array.isArray(s.target) ? decodeList(s.target) : decode(s.target),
        ...(s.weight === undefined ? {} : { weight: decode(s.weight) }),
      })),
      perSample: decodeList(c.perSample),
      mean: decode(c.mean),
    })),
  };
}

/** |actual - expected| <= atol + rtol |expected|; infinities must match exactly; NaN never passes. */
export function assertClose(actual: number, expected: number, rtol: number, atol: number, what: string): void {
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
    assert.ok(actual === expected, `${what}: got ${actual}, expected ${expected}`);
    return;
  }
  const err = Math.abs(actual - expected);
  assert.ok(err <= atol + rtol * Math.abs(expected), `${what}: got ${actual}, expected ${expected} (|diff| ${err})`);
}
