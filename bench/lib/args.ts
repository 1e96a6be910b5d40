// Command-line numbers for the bench scripts: a bad one stops the run with the script's help.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function wholeNumber(help: string) {
  return (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      process.stderr.write(`bench: --${name} takes a whole number >= ${min}, not ${v}\n\n${help}`);
      process.exit(2);
    }
    return n;
  };
}

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** The script's options from the command line (strict); `--help` prints `help` and exits. */
export function benchArgs<const O extends Options>(help: string, options: O): ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'] {
  const { values } = parseArgs({ options: { ...options, ...HELP_OPTION }, strict: true });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(help);
    process.exit(0);
  }
  return values as ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];
}
