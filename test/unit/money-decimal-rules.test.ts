// Decimal text → minor units, stated at the edges of what providers send: signs, exponents, spacing,
// the rounding digit, the largest safe amount, and what is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KNOWN_CURRENCIES, isKnownCurrency, minorUnitExponent } from '../../money/currencies';
import { formatMinorUnits, toMinorUnits, toMinorUnitsOrNull } from '../../money/decimal';

describe('decimal text accepted', () => {
  it('takes an explicit plus sign, surrounding spaces, and integers without a fraction', () => {
    assert.equal(toMinorUnits('+5', 'USD'), 500);
    assert.equal(toMinorUnits(' 19.99\n', 'USD'), 1999);
    assert.equal(toMinorUnits('-7', 'USD'), -700);
    assert.equal(toMinorUnits('120', 'USD'), 12000);
  });
  it('shifts by a scientific exponent in either case and with either sign', () => {
    assert.equal(toMinorUnits('1.5e3', 'USD'), 150000);
    assert.equal(toMinorUnits('1.5E3', 'USD'), 150000);
    assert.equal(toMinorUnits('1e+2', 'USD'), 10000);
    assert.equal(toMinorUnits('15e-1', 'USD'), 150);
    assert.equal(toMinorUnits('-2.5e-1', 'USD'), -25);
    assert.equal(toMinorUnits(1e-7, 'USD'), 0, 'JS prints this number as 1e-7');
    assert.equal(toMinorUnits(2.5e-6, 'BHD'), 0);
    assert.equal(toMinorUnits(1.5e-3, 'BHD'), 2, '0.0015 BHD is 1.5 fils: rounds up');
  });
  it('rounds on the first dropped digit only: 4 rounds down, 5 rounds up (half away from zero)', () => {
    assert.equal(toMinorUnits('0.0049999', 'USD'), 0);
    assert.equal(toMinorUnits('0.005', 'USD'), 1);
    assert.equal(toMinorUnits('5e-3', 'USD'), 1, 'the point lands just before the first digit');
    assert.equal(toMinorUnits('9e-4', 'USD'), 0, '0.0009: the first dropped digit is 0');
    assert.equal(toMinorUnits(9e-7, 'USD'), 0);
    assert.equal(toMinorUnits('-0.005', 'USD'), -1);
    assert.equal(toMinorUnits('0.0051', 'USD'), 1);
    assert.equal(toMinorUnits('2.999', 'USD'), 300);
    assert.equal(toMinorUnits('0.5', 'JPY'), 1);
    assert.equal(toMinorUnits('0.4', 'JPY'), 0);
  });
  it('never yields negative zero', () => {
    assert.ok(Object.is(toMinorUnits('-0', 'USD'), 0));
    assert.ok(Object.is(toMinorUnits('-0.004', 'USD'), 0));
  });
  it('takes amounts up to the largest safe integer in minor units, and refuses one more', () => {
    assert.equal(toMinorUnits('90071992547409.91', 'USD'), Number.MAX_SAFE_INTEGER);
    assert.equal(toMinorUnits('-90071992547409.91', 'USD'), -Number.MAX_SAFE_INTEGER);
    assert.throws(
      () => toMinorUnits('90071992547409.92', 'USD'),
      (e: unknown) =>
        e instanceof RangeError &&
        e.message === 'Amount too large for safe integer minor units: 90071992547409.92 USD',
    );
    assert.throws(() => toMinorUnits('90071992547409.915', 'USD'), /too large/, 'rounding up past the limit');
  });
  it('uses the exponent of the currency whatever its case', () => {
    assert.equal(toMinorUnits('1.5', 'usd'), 150);
    assert.equal(toMinorUnits('1.5', 'jpy'), 2);
    assert.equal(toMinorUnits('1.2345', 'CLF'), 12345);
  });
});

describe('decimal text refused', () => {
  it('refuses anything that is not one plain decimal, quoting it', () => {
    for (const bad of [
      '',
      '.5',
      '5.',
      '1.2.3',
      'x1',
      '1x',
      '1 000',
      '1,5',
      '--1',
      '+-1',
      '1e',
      'e5',
      '1e1.5',
      '0x10',
      'NaN',
    ]) {
      assert.throws(
        () => toMinorUnits(bad, 'USD'),
        (e: unknown) =>
          e instanceof RangeError && e.message === `Not a decimal amount: ${JSON.stringify(bad)}`,
        bad,
      );
    }
  });
  it('refuses non-finite numbers', () => {
    for (const bad of [Infinity, -Infinity, Number.NaN]) {
      assert.throws(
        () => toMinorUnits(bad, 'USD'),
        (e: unknown) => e instanceof RangeError && e.message === `Not a finite amount: ${bad}`,
      );
    }
  });
  it('refuses an unknown currency before reading the amount, naming it', () => {
    assert.throws(
      () => toMinorUnits('not even a number', 'XXQ'),
      (e: unknown) => e instanceof RangeError && e.message === 'Unknown ISO 4217 currency: XXQ',
    );
  });
});

describe('nullable amounts', () => {
  it('keeps zero as zero; only null and absent are null', () => {
    assert.equal(toMinorUnitsOrNull(0, 'USD'), 0);
    assert.equal(toMinorUnitsOrNull('0.00', 'USD'), 0);
    assert.equal(toMinorUnitsOrNull('12.34', 'USD'), 1234);
    assert.equal(toMinorUnitsOrNull(null, 'USD'), null);
    assert.equal(toMinorUnitsOrNull(undefined, 'USD'), null);
  });
});

describe('formatting minor units', () => {
  it('pads to at least one major digit and keeps every minor digit', () => {
    assert.equal(formatMinorUnits(5, 'USD'), '0.05');
    assert.equal(formatMinorUnits(0, 'USD'), '0.00');
    assert.equal(formatMinorUnits(100, 'USD'), '1.00');
    assert.equal(formatMinorUnits(5, 'KWD'), '0.005');
    assert.equal(formatMinorUnits(0, 'JPY'), '0');
    assert.equal(formatMinorUnits(-1500, 'JPY'), '-1500');
    assert.equal(formatMinorUnits(-123456, 'CLF'), '-12.3456');
  });
  it('round-trips with parsing', () => {
    for (const [amount, currency] of [
      [1999, 'USD'],
      [-5, 'USD'],
      [1234, 'KWD'],
      [7, 'JPY'],
    ] as const) {
      assert.equal(toMinorUnits(formatMinorUnits(amount, currency), currency), amount);
    }
  });
});

describe('ISO 4217 table', () => {
  it('knows codes exactly as written (upper case), and nothing inherited from Object', () => {
    assert.equal(isKnownCurrency('USD'), true);
    assert.equal(isKnownCurrency('usd'), false);
    assert.equal(isKnownCurrency('toString'), false);
    assert.equal(isKnownCurrency('XXQ'), false);
  });
  it('has the 0-, 2-, 3- and 4-decimal currencies', () => {
    const expected: Record<string, number> = {
      JPY: 0,
      KRW: 0,
      VND: 0,
      CLP: 0,
      USD: 2,
      EUR: 2,
      GBP: 2,
      MXN: 2,
      BHD: 3,
      KWD: 3,
      TND: 3,
      CLF: 4,
      UYW: 4,
    };
    for (const [code, exp] of Object.entries(expected)) assert.equal(minorUnitExponent(code), exp, code);
    assert.throws(() => minorUnitExponent('toString'), /Unknown ISO 4217 currency: toString/);
  });
});

describe('the currency list the API offers', () => {
  it('is every known code, each once, in alphabetical order', () => {
    assert.deepEqual([...KNOWN_CURRENCIES], [...new Set(KNOWN_CURRENCIES)].sort());
    for (const code of ['USD', 'JPY', 'KWD', 'CLF', 'EUR']) assert.ok(KNOWN_CURRENCIES.includes(code), code);
    assert.ok(KNOWN_CURRENCIES.every((c) => isKnownCurrency(c)));
    assert.equal(KNOWN_CURRENCIES[0], 'AED');
  });
});
