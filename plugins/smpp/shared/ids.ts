// SMSC message ids, as submit_sm_resp and receipts carry them. SMSCs are inconsistent about the form: the
// same id may come back upper-case, zero-padded, or converted between hex and decimal (an SMSC that answers
// submit_sm with `1A2B3C` and writes `id:1715004` in the receipt). One canonical form is kept on both sides,
// and the other forms an id may have taken are derivable, so a receipt can be matched whatever was done to it.

/** Trimmed, lower-case, leading zeros dropped (`0` stays `0`); '' for an empty id. */
export function canonicalId(raw: string): string {
  const id = raw.trim().toLowerCase();
  const stripped = id.replace(/^0+/, '');
  return stripped === '' && id !== '' ? '0' : stripped;
}

const DECIMAL = /^\d+$/;
const HEX = /^[0-9a-f]+$/i;

/** The hex form of a decimal id (`98765432101` -> `16fee0e525`), or undefined when it is not decimal. */
export function decimalToHex(id: string): string | undefined {
  const t = id.trim();
  return DECIMAL.test(t) ? BigInt(t).toString(16) : undefined;
}

/** The decimal form of a hex id (`16fee0e525` -> `98765432101`), or undefined when it is not hex. */
export function hexToDecimal(id: string): string | undefined {
  const t = id.trim();
  return HEX.test(t) ? BigInt(`0x${t}`).toString(10) : undefined;
}

/** How the SMSC turned its submit_sm_resp id into the receipt id. */
export type IdConversion = 'same' | 'hex-to-decimal' | 'decimal-to-hex';

/** The canonical submit-side id that a receipt id stands for, under one conversion (undefined: not possible). */
export function submittedIdFor(receiptId: string, conversion: IdConversion): string | undefined {
  switch (conversion) {
    case 'same':
      return canonicalId(receiptId);
    case 'hex-to-decimal': {
      // The SMSC wrote decimal for an id it had given in hex: turn it back into hex.
      const hex = decimalToHex(receiptId);
      return hex === undefined ? undefined : canonicalId(hex);
    }
    case 'decimal-to-hex': {
      const dec = hexToDecimal(receiptId);
      return dec === undefined ? undefined : canonicalId(dec);
    }
  }
}

/** Every canonical submit-side id a receipt id may stand for, the unconverted one first. */
export function candidateIds(receiptId: string): { id: string; conversion: IdConversion }[] {
  const out: { id: string; conversion: IdConversion }[] = [];
  for (const conversion of ['same', 'hex-to-decimal', 'decimal-to-hex'] as const) {
    const id = submittedIdFor(receiptId, conversion);
    if (id !== undefined && id !== '' && !out.some((c) => c.id === id)) out.push({ id, conversion });
  }
  return out;
}
