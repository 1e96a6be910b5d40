/** @jsxRuntime automatic @jsxImportSource react */
// A form of a few fields (add or edit a user): enter or tab goes to the next field, shift-tab or up to the
// previous; enter on the last field submits; esc cancels. Yes/no fields take y, n or space.
import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { edit, splitLines } from './prompt.tsx';
import { tint, useTheme } from './theme.ts';

export interface Field {
  name: string;
  label: string;
  kind: 'text' | 'password' | 'yesno';
  initial?: string | boolean;
  hint?: string;
}

export type FormValues = Record<string, string | boolean>;

export function Form({ title, fields, onSubmit, onCancel }: { title: string; fields: Field[]; onSubmit(v: FormValues): void; onCancel(): void }) {
  const theme = useTheme();
  // In a ref, not only in state: keys that arrive before the next render must see the previous key's effect.
  const form = useRef({ at: 0, values: Object.fromEntries(fields.map((f) => [f.name, f.initial ?? (f.kind === 'yesno' ? false : '')])) as FormValues });
  const [, render] = useState(0);
  const update = (at: number, values: FormValues) => {
    form.current = { at, values };
    render((n) => n + 1);
  };
  const { at, values } = form.current;
  useInput((input, key) => {
    const { at, values } = form.current;
    if (key.escape) return onCancel();
    if ((key.tab && key.shift) || key.upArrow) return update(Math.max(0, at - 1), values);
    let here = at;
    const now = { ...values };
    // Typed text with returns in one piece (a paste, send-keys) is each line in its field, then the next.
    const pieces = key.return ? ['', ''] : key.tab || key.downArrow ? null : splitLines(input);
    if (pieces === null) return update(Math.min(fields.length - 1, at + 1), values);
    for (let i = 0; i < pieces.length; i++) {
      const f = fields[here]!;
      const text = pieces[i]!;
      if (f.kind === 'yesno') {
        for (const ch of text) if (ch === 'y' || ch === 'n' || ch === ' ') now[f.name] = ch === ' ' ? !now[f.name] : ch === 'y';
      } else if (text !== '' || i === 0) now[f.name] = edit(String(now[f.name] ?? ''), text, key);
      if (i < pieces.length - 1) {
        if (here === fields.length - 1) return onSubmit(now);
        here++;
      }
    }
    update(here, now);
  });
  const labelWidth = Math.max(...fields.map((f) => f.label.length)) + 1;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={tint(theme, 'cyan')} paddingX={1}>
      <Text bold>{title}</Text>
      {fields.map((f, i) => {
        const v = values[f.name];
        const shown = f.kind === 'yesno' ? (v ? 'yes' : 'no') : f.kind === 'password' ? '*'.repeat(String(v).length) : String(v);
        return (
          <Text key={f.name} wrap="truncate">
            {i === at ? '› ' : '  '}
            {f.label.padEnd(labelWidth)}
            <Text inverse={i === at && theme.color} underline={i === at && !theme.color}>
              {shown || ' '}
            </Text>
            {i === at && f.hint ? <Text dimColor> {f.hint}</Text> : null}
          </Text>
        );
      })}
      <Text dimColor>enter: next field (submits on the last) · shift-tab/↑: back · esc: cancel</Text>
    </Box>
  );
}
