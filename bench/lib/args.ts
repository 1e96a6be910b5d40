// Command-line numbers for the bench scripts: a bad one stops the run with the script's help.

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
