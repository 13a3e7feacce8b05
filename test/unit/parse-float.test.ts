import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseFloatBytes } from '../../src/core/parse/float';

const enc = new TextEncoder();
/** Parses text placed in the middle of a larger buffer, as the tokenizer hands it over. */
function parse(text: string): number {
  const bytes = enc.encode(`,${text},`);
  return parseFloatBytes(bytes, 1, bytes.length - 1);
}
function same(text: string): void {
  const got = parse(text);
  assert.ok(Object.is(got, Number(text)), `${JSON.stringify(text)}: got ${got}, Number() gives ${Number(text)}`);
}

describe('parseFloatBytes', () => {
  it('matches Number() on edge cases', () => {
    for (const t of [
      '0', '-0', '+0', '0.0', '-0.0', '1', '-1', '+1.5', '.5', '5.', '-.5', '007', '0.1', '0.2', '0.3',
      '1e22', '1e23', '-1e22', '9007199254740992', '9007199254740993', '9007199254740995', '123456789012345678901234567890',
      '0.1234567890123456789', '1.7976931348623157e308', '1.7976931348623158e308', '1e308', '1e309', '-1e309',
      '4.9e-324', '5e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '1e-400', '2.2250738585072014e-308',
      '2.2250738585072011e-308', '0.000001', '1e-7', '4.11224977e-09', '0.975406221', '3.61511028e-05',
      '1E5', '1e+5', '1e-5', '1.e5', '.1e1', '00000000000000000000001', '0.00000000000000000000001',
      '1000000000000000000000', '99999999999999999999', '0.30000000000000004', '1e000000001', '1e-0000022',
      '900719925474099.3', '9007199254740991', '90071992547409.93', '123456789012345', '1234567890123456', '12345678901234567', ' 1', '1 ', ' -2.5 ',
    ]) {
      same(t);
    }
  });

  it('rejects what is not a plain decimal number with NaN', () => {
    for (const t of ['', ' ', '-', '+', '.', '-.', 'e5', '1e', '1e+', '1e-', 'abc', '1.2.3', '0x10', '1_000', 'NaN', 'nan', 'inf', 'Infinity', '-Infinity', '1 2', '--1', '+-1', '1,5', '1e5.5', '１']) {
      assert.ok(Number.isNaN(parse(t)), `${JSON.stringify(t)} should be NaN, got ${parse(t)}`);
    }
  });

  it('matches Number() on the shortest representation of random doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        same(String(x));
      }),
      { numRuns: 20000 },
    );
  });

  it('matches Number() on fixed, exponential and precision formats', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 21 }), (x, f, p) => {
        same(x.toFixed(f));
        same(x.toExponential(f));
        same(x.toPrecision(p));
      }),
      { numRuns: 10000 },
    );
  });

  it('matches Number() on random digit strings with random exponents', () => {
    const digits = fc.stringMatching(/^[0-9]{1,25}$/);
    fc.assert(
      fc.property(fc.boolean(), digits, fc.option(digits), fc.option(fc.integer({ min: -340, max: 340 })), (neg, int, frac, exp) => {
        let t = (neg ? '-' : '') + int;
        if (frac !== null) t += `.${frac}`;
        if (exp !== null) t += `e${exp}`;
        same(t);
      }),
      { numRuns: 20000 },
    );
  });
});
