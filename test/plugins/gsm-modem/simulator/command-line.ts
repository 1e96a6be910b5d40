// V.250 §5.2-5.4: the body of a command line (what follows "AT") split into basic commands
// (E0, &F, S3=13, D...) and extended ones (+CMGF=0), the latter separated by ";".

export type CommandForm = 'exec' | 'set' | 'read' | 'test';

export interface ParsedCommand {
  /** Upper case: "E", "&F", "S", "D", "+CMGS", "^SYSINFO". */
  name: string;
  form: CommandForm;
  /** Basic commands: the number after the letter (absent when omitted); S: the register. */
  number?: number;
  /** Extended set commands: the text after "=", still in its quotes. D: the dial string. */
  args: string;
}

export class CommandLineSyntaxError extends Error {}

// V.250 §5.4.1: extended command names start with "+"; vendors use the other marks the same way.
const EXTENDED_PREFIX = '+^$%*#!';
const NAME_CHAR = /[A-Za-z0-9!%\-./:_]/;

/** V.250 §5.2.1: spaces are for formatting and are ignored, except inside string constants. */
export function stripSpaces(body: string): string {
  let out = '';
  let quoted = false;
  for (const ch of body) {
    if (ch === '"') quoted = !quoted;
    if (ch === ' ' && !quoted) continue;
    out += ch;
  }
  return out;
}

export function parseCommandLine(rawBody: string): ParsedCommand[] {
  const body = stripSpaces(rawBody);
  const out: ParsedCommand[] = [];
  let i = 0;
  const digits = (): number | undefined => {
    const m = /^\d+/.exec(body.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === ';') {
      i += 1;
    } else if (EXTENDED_PREFIX.includes(ch)) {
      let name = ch;
      i += 1;
      while (i < body.length && NAME_CHAR.test(body[i]!)) name += body[i++]!;
      if (name.length === 1) throw new CommandLineSyntaxError(`no command name after ${ch}`);
      out.push(extended(name.toUpperCase()));
    } else if (ch === '&') {
      const letter = body[i + 1];
      if (!letter || !/[A-Za-z]/.test(letter)) throw new CommandLineSyntaxError('no letter after &');
      i += 2;
      out.push({ name: `&${letter.toUpperCase()}`, form: 'exec', number: digits(), args: '' });
    } else if (ch === 'S' || ch === 's') {
      i += 1;
      const register = digits();
      if (register === undefined) throw new CommandLineSyntaxError('S without a register number');
      if (body[i] === '?') {
        i += 1;
        out.push({ name: 'S', form: 'read', number: register, args: '' });
      } else if (body[i] === '=') {
        i += 1;
        out.push({ name: 'S', form: 'set', number: register, args: String(digits() ?? 0) });
      } else {
        out.push({ name: 'S', form: 'exec', number: register, args: '' });
      }
    } else if (ch === 'D' || ch === 'd') {
      // The dial string runs to the end of the line (V.250 §6.3.1).
      out.push({ name: 'D', form: 'exec', args: body.slice(i + 1) });
      i = body.length;
    } else if (/[A-Za-z]/.test(ch)) {
      i += 1;
      const number = digits();
      if (body[i] === '?') {
        i += 1;
        out.push({ name: ch.toUpperCase(), form: 'read', number, args: '' });
      } else {
        out.push({ name: ch.toUpperCase(), form: 'exec', number, args: '' });
      }
    } else {
      throw new CommandLineSyntaxError(`unexpected ${JSON.stringify(ch)} in command line`);
    }
  }
  return out;

  function extended(name: string): ParsedCommand {
    if (body.startsWith('=?', i)) {
      i += 2;
      return { name, form: 'test', args: '' };
    }
    if (body[i] === '?') {
      i += 1;
      return { name, form: 'read', args: '' };
    }
    if (body[i] !== '=') return { name, form: 'exec', args: '' };
    i += 1;
    const start = i;
    let quoted = false;
    while (i < body.length && (quoted || body[i] !== ';')) {
      if (body[i] === '"') quoted = !quoted;
      i += 1;
    }
    if (quoted) throw new CommandLineSyntaxError('unterminated string constant');
    return { name, form: 'set', args: body.slice(start, i) };
  }
}
