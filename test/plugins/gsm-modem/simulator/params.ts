// Parameters of extended-syntax commands (V.250 §5.4.2): comma separated, numeric or string
// constants, any of them omittable. Range and type errors are syntax errors, answered with ERROR.

export type Param = { kind: 'empty' } | { kind: 'string'; value: string } | { kind: 'number'; value: number; raw: string } | { kind: 'token'; value: string };

export class ParamError extends Error {}

export function parseParams(raw: string): Param[] {
  if (raw === '') return [];
  const out: Param[] = [];
  let i = 0;
  for (;;) {
    if (raw[i] === '"') {
      const end = raw.indexOf('"', i + 1);
      if (end < 0) throw new ParamError('unterminated string constant');
      out.push({ kind: 'string', value: unescapeString(raw.slice(i + 1, end)) });
      i = end + 1;
      if (i < raw.length && raw[i] !== ',') throw new ParamError('text after a string constant');
    } else {
      let end = raw.indexOf(',', i);
      if (end < 0) end = raw.length;
      const text = raw.slice(i, end);
      if (text === '') out.push({ kind: 'empty' });
      else if (/^\d+$/.test(text)) out.push({ kind: 'number', value: Number(text), raw: text });
      else out.push({ kind: 'token', value: text });
      i = end;
    }
    if (i >= raw.length) return out;
    i += 1; // the comma
    if (i === raw.length) {
      out.push({ kind: 'empty' });
      return out;
    }
  }
}

// 27.007 §4.1 lets a string carry "\" followed by two hex digits for characters the line cannot.
function unescapeString(s: string): string {
  return s.replace(/\\([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A numeric parameter within [min, max]; `fallback` when omitted, or a ParamError when there is none. */
export function intParam(p: Param | undefined, min: number, max: number, fallback?: number): number {
  if (p === undefined || p.kind === 'empty') {
    if (fallback === undefined) throw new ParamError('mandatory numeric parameter omitted');
    return fallback;
  }
  if (p.kind !== 'number' || p.value < min || p.value > max) throw new ParamError(`expected a number in ${min}-${max}`);
  return p.value;
}

/** V.250 wants string constants quoted; unquoted text is refused rather than guessed at. */
export function stringParam(p: Param | undefined, fallback?: string): string {
  if (p === undefined || p.kind === 'empty') {
    if (fallback === undefined) throw new ParamError('mandatory string parameter omitted');
    return fallback;
  }
  if (p.kind !== 'string') throw new ParamError('expected a quoted string');
  return p.value;
}

export function maxParams(params: readonly Param[], count: number): void {
  if (params.length > count) throw new ParamError(`at most ${count} parameters`);
}
