/** @jsxRuntime automatic @jsxImportSource react */
// One line of typed input: a filter, a name, a password (hidden: only its length shows).
import { Text, useInput } from 'ink';
import { useRef, useState } from 'react';

export interface PromptProps {
  label: string;
  initial?: string;
  hidden?: boolean;
  onSubmit(value: string): void;
  onCancel(): void;
  /** Called on every keystroke (a live filter). */
  onChange?(value: string): void;
}

/** Apply one keystroke to a line being typed. */
export function edit(value: string, input: string, key: { backspace: boolean; delete: boolean; ctrl: boolean; meta: boolean }): string {
  if (key.backspace || key.delete) return value.slice(0, -1);
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl || key.meta || input === '') return value;
  // A paste arrives as one input; line breaks never belong in a field.
  return value + input.replace(/[\r\n]/g, '');
}

/** `abc\rdef` -> ['abc', 'def']: the text between returns. */
export function splitLines(input: string): string[] {
  return input.split(/\r\n|\r|\n/);
}

export function Prompt({ label, initial, hidden, onSubmit, onCancel, onChange }: PromptProps) {
  const [, render] = useState(0);
  // In a ref: keys that arrive before the next render must see the previous key's effect.
  const line = useRef(initial ?? '');
  const setValue = (v: string) => {
    line.current = v;
    render((n) => n + 1);
  };
  useInput((input, key) => {
    const value = line.current;
    if (key.escape) return onCancel();
    if (key.return) return onSubmit(value);
    // Text and a return that arrive together (a fast typist, a paste, send-keys) are the text, then the return.
    const [text, ...after] = splitLines(input);
    const next = edit(value, text ?? '', key);
    if (after.length > 0) return onSubmit(next);
    if (next !== value) {
      setValue(next);
      onChange?.(next);
    }
  });
  return (
    <Text wrap="truncate">
      {label} {hidden ? '*'.repeat(line.current.length) : line.current}
      <Text inverse> </Text>
      {hidden ? <Text dimColor> (hidden)</Text> : null}
    </Text>
  );
}
