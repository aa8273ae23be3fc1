// Exact conversion of provider decimal amounts (major units) to integer minor units.
// Providers send JSON numbers; a JS number prints as its shortest round-trip decimal string,
// which is the text the provider sent (for ≤ 17 significant digits), so we parse that text
// digit by digit instead of multiplying floats (19.99 * 100 === 1998.9999999999998).
import { minorUnitExponent } from './currencies';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Converts a decimal (number or decimal string) in major units to minor units.
 * Extra fraction digits beyond the currency's exponent are rounded half away from zero
 * (1.005 USD → 101 cents), the commercial rounding rule.
 */
export function toMinorUnits(value: number | string, currency: string): number {
  const exponent = minorUnitExponent(currency);
  const text = typeof value === 'number' ? numberToDecimalText(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`Not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, intPart, fracPart = '', expPart] = m;
  // Shift the decimal point by the scientific exponent, then by the currency exponent.
  let digits = (intPart ?? '') + fracPart;
  let pointPos = (intPart ?? '').length + (expPart ? Number(expPart) : 0) + exponent;
  if (pointPos < 0) {
    digits = '0'.repeat(-pointPos) + digits;
    pointPos = 0;
  }
  if (pointPos > digits.length) digits = digits + '0'.repeat(pointPos - digits.length);
  const whole = digits.slice(0, pointPos) || '0';
  const rest = digits.slice(pointPos);
  let minor = BigInt(whole);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) minor += 1n;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`Amount too large for safe integer minor units: ${text} ${currency}`);
  }
  const result = Number(minor);
  return sign === '-' && result !== 0 ? -result : result;
}

/** Nullable variant for provider fields that may be null/absent. */
export function toMinorUnitsOrNull(
  value: number | string | null | undefined,
  currency: string,
): number | null {
  return value === null || value === undefined ? null : toMinorUnits(value, currency);
}

/** Formats minor units as a decimal string in major units (for display and logs). */
export function formatMinorUnits(amount: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const negative = amount < 0;
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${major}`;
}

function numberToDecimalText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite amount: ${value}`);
  return String(value);
}
