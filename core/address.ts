// Phone numbers in one form, so that `+1 555-000 1111`, `15550001111` and `+15550001111` meet.
import type { ResolvedConfig } from './config.ts';
import { NowsmsError } from './errors.ts';
import type { Address } from './types.ts';

export type Numbering = ResolvedConfig['numbering'];

const SEPARATORS = /[\s\-()./]/g;

/**
 * Normalise a phone number, short code or alphanumeric sender.
 * - `+` then digits: international, kept.
 * - the international prefix (00): replaced by `+`.
 * - with a countryCode: the national prefix (0), or exactly nationalNumberLength digits, make it national.
 * - otherwise 7 or more digits are an international number written without `+` (what e-mail users type);
 *   fewer digits are a short code and stay as they are.
 * - anything with letters is an alphanumeric sender, kept as written (trimmed).
 */
export function normalizeAddress(input: string, numbering: Numbering): Address {
  const raw = input.trim();
  if (raw === '') throw new NowsmsError('NOWSMS_ERR_ADDRESS', 'empty address');
  const compact = raw.replace(SEPARATORS, '');
  if (/^\+\d{1,15}$/.test(compact)) return compact;
  if (!/^\d{1,20}$/.test(compact)) {
    if (/^\+/.test(compact) || /^[0-9+]+$/.test(compact)) throw new NowsmsError('NOWSMS_ERR_ADDRESS', `not a phone number: ${input}`);
    if (raw.length > 11 && !/^[\x20-\x7e]+$/.test(raw)) throw new NowsmsError('NOWSMS_ERR_ADDRESS', `not a valid sender: ${input}`);
    return raw;
  }
  const { countryCode, nationalPrefix, internationalPrefix, nationalNumberLength } = numbering;
  if (internationalPrefix && compact.startsWith(internationalPrefix) && compact.length > internationalPrefix.length + 6) {
    return '+' + compact.slice(internationalPrefix.length);
  }
  if (countryCode) {
    if (nationalNumberLength !== undefined && compact.length === nationalNumberLength) return `+${countryCode}${compact}`;
    if (nationalPrefix && compact.startsWith(nationalPrefix) && compact.length > nationalPrefix.length + 5) {
      const rest = compact.slice(nationalPrefix.length);
      // NANP's national prefix is its country code: 1 555 000 1111 is already international.
      return `+${countryCode}${rest}`;
    }
  }
  if (compact.length >= 7) return '+' + compact;
  return compact;
}

/** True when `address` matches a recipient mask such as `+44*`, `+4479??12345` or an exact number. */
export function matchesMask(address: Address, mask: string): boolean {
  const re = new RegExp(
    '^' +
      mask
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
  return re.test(address);
}
