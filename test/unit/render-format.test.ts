/**
 * The shared number formatter: significant digits for losses, exact integers, scientific notation
 * for tiny values, Infinity per medium, -0 as 0, and never an inexact value shown as an integer.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatNumber } from '../../src/shared/render/format';

describe('render: number formatter', () => {
  it('4 significant digits for losses, trailing zeros dropped', () => {
    assert.equal(formatNumber(-Math.log(0.8)), '0.2231');
    assert.equal(formatNumber(-Math.log(1e-7)), '16.12');
    assert.equal(formatNumber(-Math.log(2.220446049250313e-16)), '36.04');
    assert.equal(formatNumber(-Math.log(1e-15)), '34.54');
    assert.equal(formatNumber(0.8), '0.8');
    assert.equal(formatNumber(0.25), '0.25');
    assert.equal(formatNumber(-0.2231435513142097), '-0.2231');
    assert.equal(formatNumber(0.000123456), '0.0001235');
    assert.equal(formatNumber(-Math.log(0.8), 'text', 6), '0.223144');
  });

  it('exact integers as such, -0 as 0', () => {
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(-0), '0');
    assert.equal(formatNumber(1), '1');
    assert.equal(formatNumber(100), '100');
    assert.equal(formatNumber(-100), '-100');
    assert.equal(formatNumber(123456), '123456');
  });

  it('tiny and huge values in scientific notation, per medium', () => {
    assert.equal(formatNumber(1e-15), '1e-15');
    assert.equal(formatNumber(1e-7), '1e-7');
    assert.equal(formatNumber(2.220446049250313e-16), '2.22e-16');
    assert.equal(formatNumber(-3.14159e-9), '-3.142e-9');
    assert.equal(formatNumber(1e-15, 'markdown'), '1e-15');
    assert.equal(formatNumber(1e-15, 'tex'), '10^{-15}');
    assert.equal(formatNumber(2.220446049250313e-16, 'tex'), '2.22 \\times 10^{-16}');
    assert.equal(formatNumber(1.5e20), '1.5e20');
  });

  it('Infinity: spoken in text, a symbol in Markdown and TeX; NaN stays visible', () => {
    assert.equal(formatNumber(Infinity), 'Infinity');
    assert.equal(formatNumber(-Infinity), '-Infinity');
    assert.equal(formatNumber(Infinity, 'markdown'), '∞');
    assert.equal(formatNumber(-Infinity, 'markdown'), '-∞');
    assert.equal(formatNumber(Infinity, 'tex'), '\\infty');
    assert.equal(formatNumber(Number.NaN), 'NaN');
  });

  it('never rounds an inexact value to an integer: the clip bounds 1 - eps read as such', () => {
    assert.equal(formatNumber(1 - 1e-7), '(1 - 1e-7)');
    assert.equal(formatNumber(1 - 1e-15), '(1 - 1e-15)');
    assert.equal(formatNumber(1 - 1e-15, 'tex'), '(1 - 10^{-15})');
    assert.equal(formatNumber(99.99999), '(100 - 1e-5)');
    assert.equal(formatNumber(-0.99999999), '(-1 + 1e-8)');
    assert.equal(formatNumber(12345.67), '12345.7');
    assert.equal(formatNumber(12345.00001), '(12345 + 1e-5)');
  });

  /** The number a formatted string stands for, "(1 - 1e-15)" included. */
  function parse(s: string): number {
    const m = /^\((-?\d+) ([+-]) (.+)\)$/.exec(s);
    if (!m) return Number(s);
    return Number(m[1]) + (m[2] === '-' ? -1 : 1) * Number(m[3]);
  }

  it('round-trips within the shown precision, and shows a bare integer only for integers', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), (x) => {
      const s = formatNumber(x);
      const back = parse(s);
      assert.ok(Number.isFinite(back), s);
      if (x === 0) assert.equal(s, '0');
      else assert.ok(Math.abs(back - x) <= Math.abs(x) * 5e-4, `${x} shown as ${s}`);
      if (/^-?\d+$/.test(s)) assert.ok(Number.isInteger(x), `${x} shown as the integer ${s}`);
    }), { seed: 11, numRuns: 2000 });
    // Values just off an integer, where rounding would lie.
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: 1e-15, max: 1e-5, noNaN: true }), (n, gap) => {
      const x = n + gap;
      const s = formatNumber(x);
      if (!Number.isInteger(x)) assert.ok(!/^-?\d+$/.test(s), `${x} shown as the integer ${s}`);
      assert.ok(Math.abs(parse(s) - x) <= Math.max(Math.abs(x) * 5e-4, gap * 0.05), `${x} shown as ${s}`);
    }), { seed: 12, numRuns: 1000 });
  });
});
