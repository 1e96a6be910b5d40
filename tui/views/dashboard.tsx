/** @jsxRuntime automatic @jsxImportSource react */
// Every connection with its state, detail, counters and rates, its queue, and the no-route count: live.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { ConnectionView } from '../../core/admin/protocol.ts';
import { Table } from '../ui/table.tsx';
import { counters, stateColor, stateLabel, type Column } from '../ui/text.ts';
import { tint, useTheme } from '../ui/theme.ts';
import { clampCursor, listDelta, moveCursor, type Cursor } from '../ui/cursor.ts';
import type { LinkState } from '../link.ts';
import type { ViewProps } from './types.ts';

export function queueText(state: LinkState, id: string): string {
  const q = state.queues[id];
  if (!q) return '';
  return q.retrying ? `${q.queued}+${q.retrying}r` : String(q.queued);
}

export function connectionColumns(state: LinkState, wide: boolean): Column<ConnectionView>[] {
  return [
    { title: 'CONNECTION', width: 14, get: (c) => c.id },
    { title: 'KIND', width: 11, get: (c) => c.kind },
    { title: 'STATE', width: 10, get: (c) => stateLabel(c.state) },
    { title: 'QUEUE', width: 7, get: (c) => (c.outbound ? queueText(state, c.id) || '0' : '-') },
    ...(wide ? [{ title: 'DETAIL', width: 0, get: (c: ConnectionView) => [c.detail, c.listening?.join(' ')].filter(Boolean).join(' · ') }] : []),
    { title: 'COUNTERS', width: 0, get: (c) => counters(c.counters, state.rates[c.id]) },
  ];
}

export function Dashboard(props: ViewProps & { openQueue(connection: string | null): void }) {
  const { state, width, height, active } = props;
  const theme = useTheme();
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  const rows = state.connections;
  const problems = state.log.filter((l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal').slice(-3);
  const tableHeight = Math.max(1, height - 3 - problems.length);
  const c = clampCursor(cursor, rows.length, tableHeight);
  useInput(
    (input, key) => {
      const d = listDelta(input, key, tableHeight);
      if (d !== undefined) return setCursor((cur) => moveCursor(clampCursor(cur, rows.length, tableHeight), d, rows.length, tableHeight, (i) => rows[i]?.id));
      if (key.return) {
        const sel = rows[c.index];
        if (sel?.outbound) props.openQueue(sel.id);
        else if (sel) props.flash(`${sel.id} (${sel.kind}) has no outbound queue`, 'error');
      }
    },
    { isActive: active },
  );
  const queued = Object.entries(state.queues).reduce((n, [id, q]) => n + (id === '' ? 0 : q.queued + q.retrying), 0);
  const up = rows.filter((r) => r.state === 'up').length;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {`${rows.length} connections, ${up} up · queued ${queued} · `}
        <Text color={tint(theme, state.noRoute ? 'yellow' : undefined)}>no route {state.noRoute}</Text>
      </Text>
      <Table
        columns={connectionColumns(state, width >= 110)}
        rows={rows.slice(c.top, c.top + tableHeight)}
        top={c.top}
        selected={c.index}
        width={width}
        height={tableHeight}
        color={(r) => stateColor(r.state)}
        empty="no connections"
      />
      {problems.map((l) => (
        <Text key={l.seq} wrap="truncate" color={tint(theme, l.level === 'warn' ? 'yellow' : 'red')}>
          {`${l.level.toUpperCase()} ${l.time.slice(11, 19)} ${l.fields.connection ? `[${String(l.fields.connection)}] ` : ''}${l.msg}`}
        </Text>
      ))}
    </Box>
  );
}
