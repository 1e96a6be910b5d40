// Information responses and unsolicited codes are `<prefix>: <value>,<value>,...` (V.250 5.7.1). Values
// are numbers, "quoted strings" (which may hold commas), empty (an omitted optional field), or, from
// sloppier firmware, unquoted text with spaces.

export interface Field {
  value: string;
  quoted: boolean;
}

/** `+CMGR: 0,"abc",35` -> `+CMGR`; Huawei's `^RSSI:15` has no space. Lines without a prefix give undefined. */
export function prefixOf(line: string): string | undefined {
  const m = /^([+^*#$%][A-Za-z0-9_-]+)\s*:/.exec(line);
  return m ? m[1]!.toUpperCase() : undefined;
}

/** The text after `<prefix>:`, or the whole line when it has no prefix. */
export function bodyOf(line: string): string {
  const m = /^[+^*#$%][A-Za-z0-9_-]+\s*:\s*/.exec(line);
  return m ? line.slice(m[0].length) : line;
}

export function splitFields(body: string): Field[] {
  const out: Field[] = [];
  let i = 0;
  for (;;) {
    while (body[i] === ' ') i++;
    if (body[i] === '"') {
      const end = body.indexOf('"', i + 1);
      const close = end < 0 ? body.length : end;
      out.push({ value: body.slice(i + 1, close), quoted: true });
      i = close + 1;
      // Anything between the closing quote and the next comma is not part of the value.
      const comma = body.indexOf(',', i);
      if (comma < 0) return out;
      i = comma + 1;
      continue;
    }
    const comma = body.indexOf(',', i);
    const raw = comma < 0 ? body.slice(i) : body.slice(i, comma);
    out.push({ value: raw.trim(), quoted: false });
    if (comma < 0) return out;
    i = comma + 1;
  }
}

/** The fields of an information response line, prefix removed. */
export function fieldsOf(line: string): Field[] {
  return splitFields(bodyOf(line));
}

export function intOf(field: Field | undefined): number | undefined {
  if (!field || !/^\d+$/.test(field.value)) return undefined;
  return Number(field.value);
}

/** Hex as PDU lines carry it: an even number of hex digits and nothing else. */
export function isHexLine(line: string): boolean {
  return line.length >= 2 && line.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(line);
}

/** A value for an AT command argument: quoted, with the characters V.250 cannot carry refused. */
export function quote(value: string): string {
  // A quote ends the string early; CR ends the command; Ctrl-Z and ESC end or cancel a message entry.
  if (['"', '\r', '\n', '\x1a', '\x1b'].some((c) => value.includes(c))) throw new RangeError(`cannot put ${JSON.stringify(value)} in an AT command string`);
  return `"${value}"`;
}
