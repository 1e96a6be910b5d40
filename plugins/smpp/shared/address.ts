// Addresses on the wire: SMPP carries digits plus TON/NPI (§5.2.5, §5.2.6) where the gateway keeps `+`.
// Automatic rules by default: `+` international 1/1, alphanumeric 5/0, short codes 3/0 (a network-specific
// number, what most SMSCs expect for them), other digits national 2/1; each class can be overridden.

export interface TonNpi {
  ton: number;
  npi: number;
}

export interface AddressRules {
  international: TonNpi;
  national: TonNpi;
  shortCode: TonNpi;
  alphanumeric: TonNpi;
  /** Digit strings at most this long are short codes. */
  shortCodeMaxDigits: number;
}

export const DEFAULT_ADDRESS_RULES: AddressRules = {
  international: { ton: 1, npi: 1 },
  national: { ton: 2, npi: 1 },
  shortCode: { ton: 3, npi: 0 },
  alphanumeric: { ton: 5, npi: 0 },
  shortCodeMaxDigits: 8,
};

export interface WireAddress extends TonNpi {
  addr: string;
}

/** A gateway address as SMPP sends it; `fixed` (from the config) wins over the rules. */
export function toWire(address: string, rules: AddressRules, fixed?: TonNpi): WireAddress {
  const a = address.trim();
  let addr = a;
  let tonNpi: TonNpi;
  if (/^\+\d+$/.test(a)) {
    addr = a.slice(1);
    tonNpi = rules.international;
  } else if (/^\d+$/.test(a)) tonNpi = a.length <= rules.shortCodeMaxDigits ? rules.shortCode : rules.national;
  else if (a === '') tonNpi = { ton: 0, npi: 0 };
  else tonNpi = rules.alphanumeric;
  return { addr, ...(fixed ?? tonNpi) };
}

/** An address received over SMPP, in the gateway's form: international numbers get their `+`. */
export function fromWire(addr: string, ton: number): string {
  const a = addr.trim();
  if (ton === 1 && /^\d+$/.test(a)) return `+${a}`;
  return a;
}
