/** @jsxRuntime automatic @jsxImportSource react */
// Connections: the list, and for one its state, detail, sockets, counters with rates, and its last errors
// (the warnings and errors the gateway logged for it).
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { clampCursor, listDelta, moveCursor, type Cursor } from '../ui/cursor.ts';
import { Table } from '../ui/table.tsx';
import { rate, stateColor, stateLabel } from '../ui/text.ts';
import { connectionColumns, queueText } from './dashboard.tsx';
import type { ViewProps } from './types.ts';
import type { LinkState } from '../link.ts';

export function connectionLines(state: LinkState, id: string): string[] {
  const c = state.connections.find((x) => x.id === id);
  if (!c) return [`connection ${id} is gone`];
  const errors = state.log.filter((l) => l.fields.connection === id && (l.level === 'warn' || l.level === 'error' || l.level === 'fatal')).slice(-8);
  return [
    `connection ${c.id} (${c.kind})`,
    `state ${stateLabel(c.state)}${c.detail ? ` · ${c.detail}` : ''}`,
    ...(c.listening?.length ? [`listening on ${c.listening.join(', ')}`] : []),
    c.outbound ? `outbound queue: ${queueText(state, c.id) || '0'} waiting` : 'no outbound queue (it does not send)',
    ...(c.options ? ['options (secrets hidden):', ...optionLines(c.options)] : []),
    'counters:',
    ...Object.entries(c.counters).map(([k, v]) => `  ${k.padEnd(16)} ${String(v).padStart(9)}  ${rate(state.rates[c.id]?.[k])}`),
    `last errors (${errors.length}):`,
    ...(errors.length
      ? errors.map((l) => `  ${l.time.slice(11, 19)} ${l.level} ${l.msg}${l.fields.err ? `: ${(l.fields.err as { message?: string }).message ?? ''}` : ''}`)
      : ['  none logged']),
  ];
}

/** Options as `key value` lines, nested keys dotted; lists and values as JSON. */
export function optionLines(options: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(options).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? optionLines(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`  ${`${prefix}${k}`.padEnd(22)} ${JSON.stringify(v)}`],
  );
}

export function Connections(props: ViewProps) {
  const { state, width, height, active } = props;
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  const [open, setOpen] = useState<string | undefined>();
  const rows = state.connections;
  const tableHeight = Math.max(1, height - 1);
  const c = clampCursor(cursor, rows.length, tableHeight);
  useInput(
    (input, key) => {
      if (open !== undefined) {
        if (key.escape || key.leftArrow) setOpen(undefined);
        return;
      }
      const d = listDelta(input, key, tableHeight);
      if (d !== undefined) return setCursor((cur) => moveCursor(clampCursor(cur, rows.length, tableHeight), d, rows.length, tableHeight, (i) => rows[i]?.id));
      if (key.return && rows[c.index]) setOpen(rows[c.index]!.id);
    },
    { isActive: active },
  );
  if (open !== undefined)
    return (
      <Box flexDirection="column">
        {connectionLines(state, open)
          .slice(0, height)
          .map((l, i) => (
            <Text key={i} wrap="truncate" bold={i === 0}>
              {l}
            </Text>
          ))}
      </Box>
    );
  return (
    <Box flexDirection="column">
      <Text>Connections: enter shows one</Text>
      <Table
        columns={connectionColumns(state, true)}
        rows={rows.slice(c.top, c.top + tableHeight)}
        top={c.top}
        selected={c.index}
        width={width}
        height={tableHeight}
        color={(r) => stateColor(r.state)}
        empty="no connections"
      />
    </Box>
  );
}
