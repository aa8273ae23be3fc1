// Exact decimal → minor units: the conversions naive float math gets wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMinorUnits, toMinorUnits, toMinorUnitsOrNull } from '../../money/decimal';
import { minorUnitExponent } from '../../money/currencies';

describe('toMinorUnits', () => {
  it('is exact where x * 100 is not', () => {
    assert.notEqual(Math.floor(19.99 * 100), 1999); // the bug we avoid: 1998.9999999999998
    assert.equal(toMinorUnits(19.99, 'USD'), 1999);
    assert.equal(toMinorUnits(0.1 + 0.2, 'USD'), 30); // 0.30000000000000004 → 30 (extra digits round)
    assert.equal(toMinorUnits(0.3, 'USD'), 30);
    assert.equal(toMinorUnits(1234567.89, 'USD'), 123456789);
    assert.equal(toMinorUnits(98765432101.23, 'USD'), 9876543210123);
    assert.equal(toMinorUnits(4.35, 'USD'), 435); // 4.35 * 100 = 434.99999999999994
  });
  it('rounds excess precision half away from zero (commercial rounding)', () => {
    assert.equal(Math.round(1.005 * 100), 100); // float says 100 …
    assert.equal(toMinorUnits(1.005, 'USD'), 101); // … the decimal 1.005 is 100.5 cents → 101
    assert.equal(toMinorUnits(-1.005, 'USD'), -101);
    assert.equal(toMinorUnits(1.004, 'USD'), 100);
    assert.equal(toMinorUnits(4998.995, 'USD'), 499900);
  });
  it('uses the ISO 4217 exponent of the currency', () => {
    assert.equal(minorUnitExponent('JPY'), 0);
    assert.equal(toMinorUnits(1500, 'JPY'), 1500);
    assert.equal(toMinorUnits(1500.5, 'JPY'), 1501);
    assert.equal(toMinorUnits(1.234, 'KWD'), 1234);
    assert.equal(toMinorUnits(19.99, 'EUR'), 1999);
    assert.throws(() => toMinorUnits(1, 'XXQ'), /Unknown ISO 4217 currency/);
  });
  it('handles signs, strings, exponents, zero and nulls', () => {
    assert.equal(toMinorUnits(-250.2, 'USD'), -25020);
    assert.equal(toMinorUnits('19.99', 'USD'), 1999);
    assert.equal(toMinorUnits(1e-7, 'USD'), 0);
    assert.equal(toMinorUnits(1.5e3, 'USD'), 150000);
    assert.equal(toMinorUnits(-0.001, 'USD'), 0);
    assert.equal(toMinorUnitsOrNull(null, 'USD'), null);
    assert.equal(toMinorUnitsOrNull(undefined, 'USD'), null);
    assert.throws(() => toMinorUnits(1e21, 'USD'), /too large/);
    assert.throws(() => toMinorUnits(Number.NaN, 'USD'), /finite/);
    assert.throws(() => toMinorUnits('12,50', 'USD'), /Not a decimal/);
  });
  it('formats minor units back to a decimal string', () => {
    assert.equal(formatMinorUnits(1999, 'USD'), '19.99');
    assert.equal(formatMinorUnits(-5, 'USD'), '-0.05');
    assert.equal(formatMinorUnits(1500, 'JPY'), '1500');
    assert.equal(formatMinorUnits(1234, 'KWD'), '1.234');
  });
});
