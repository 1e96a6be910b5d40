/** @jsxRuntime automatic @jsxImportSource react */
// A list drawn one Text per row, only the rows in view: a 100k-row queue costs what a screenful costs.
import { Box, Text } from 'ink';
import { header, layout, row, type Column } from './text.ts';
import { tint, useTheme } from './theme.ts';

export interface TableProps<T> {
  columns: Column<T>[];
  /** The rows in view, from `top`. Undefined: not loaded yet. */
  rows: (T | undefined)[];
  top: number;
  selected: number;
  width: number;
  /** Rows of data (the header is one more). */
  height: number;
  color?: (row: T) => string | undefined;
  empty?: string;
}

export function Table<T>({ columns, rows, top, selected, width, height, color, empty }: TableProps<T>) {
  const theme = useTheme();
  const widths = layout(columns, width);
  const lines = [];
  for (let i = 0; i < height; i++) {
    const r = rows[i];
    const index = top + i;
    if (i >= rows.length) break;
    const mark = index === selected ? '› ' : '  ';
    const text = r === undefined ? '  …' : mark + row(columns, widths, r);
    lines.push(
      <Text key={index} wrap="truncate" inverse={index === selected && theme.color} color={r === undefined ? undefined : tint(theme, color?.(r))}>
        {text}
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text bold wrap="truncate">
        {'  ' + header(columns, widths)}
      </Text>
      {lines.length === 0 ? <Text dimColor>{'  ' + (empty ?? 'nothing here')}</Text> : lines}
    </Box>
  );
}
