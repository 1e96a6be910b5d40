/** @jsxRuntime automatic @jsxImportSource react */
// Recent traffic, newest first, with filters (status, direction, user, number); enter shows one message.
import { Box, Text, useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { MessageView } from '../../core/admin/protocol.ts';
import type { MessageStatus } from '../../core/types.ts';
import { clampCursor, followRows, listDelta, moveCursor, type Cursor } from '../ui/cursor.ts';
import { Prompt } from '../ui/prompt.tsx';
import { Table } from '../ui/table.tsx';
import { clock, type Column } from '../ui/text.ts';
import { MessageDetail } from './message-detail.tsx';
import { errorText, type Ask, type ViewProps } from './types.ts';

export const MESSAGES_LIMIT = 500;
export const MESSAGES_REFRESH_MS = 2000;

const STATUSES: (MessageStatus | undefined)[] = [
  undefined,
  'queued',
  'retrying',
  'no-route',
  'sent',
  'delivered',
  'undeliverable',
  'failed',
  'in-mailbox',
  'retrieved',
  'deleted',
  'received',
];
const DIRECTIONS = [undefined, 'MO', 'MT'] as const;

interface Filters {
  status?: MessageStatus | undefined;
  direction?: 'MO' | 'MT' | undefined;
  user?: string | undefined;
  number?: string | undefined;
}

type Mode = { kind: 'list' } | { kind: 'number' } | { kind: 'user' } | { kind: 'detail'; id: string };

export function Messages(props: ViewProps & { ask: Ask }) {
  const { ask, width, height, active, flash, setCapture } = props;
  const [filters, setFilters] = useState<Filters>({});
  const [rows, setRows] = useState<MessageView[] | undefined>();
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [tick, setTick] = useState(0);
  const tableHeight = Math.max(1, height - 3);
  const list = rows ?? [];
  const c = clampCursor(cursor, list.length, tableHeight);
  useEffect(() => setCapture(mode.kind === 'number' || mode.kind === 'user'), [mode.kind, setCapture]);

  useEffect(() => {
    let live = true;
    const params = {
      limit: MESSAGES_LIMIT,
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.direction ? { direction: filters.direction } : {}),
      ...(filters.user ? { user: filters.user } : {}),
      ...(filters.number ? { number: filters.number } : {}),
    };
    ask('messages.list', params).then(
      (r) => {
        if (!live) return;
        setRows(r);
        setCursor((cur) => followRows(cur, r, tableHeight, (m) => m.id));
      },
      (e) => live && flash(errorText(e), 'error'),
    );
    return () => {
      live = false;
    };
  }, [ask, filters, tick, tableHeight, flash]);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), MESSAGES_REFRESH_MS);
    return () => clearInterval(t);
  }, []);

  const cycle = <T,>(all: readonly T[], v: T): T => all[(all.indexOf(v) + 1) % all.length]!;
  useInput(
    (input, key) => {
      const d = listDelta(input, key, tableHeight);
      if (d !== undefined) return setCursor((cur) => moveCursor(clampCursor(cur, list.length, tableHeight), d, list.length, tableHeight, (i) => list[i]?.id));
      if (input === '/') return setMode({ kind: 'number' });
      if (input === 'u') return setMode({ kind: 'user' });
      if (input === 's') return setFilters((f) => ({ ...f, status: cycle(STATUSES, f.status) }));
      if (input === 'm') return setFilters((f) => ({ ...f, direction: cycle(DIRECTIONS, f.direction) }));
      if (input === 'c') return setFilters({});
      if (key.return && list[c.index]) setMode({ kind: 'detail', id: list[c.index]!.id });
    },
    { isActive: active && mode.kind === 'list' },
  );

  if (mode.kind === 'detail') return <MessageDetail id={mode.id} ask={ask} height={height} onBack={() => setMode({ kind: 'list' })} />;
  const columns: Column<MessageView>[] = [
    { title: 'TIME', width: 8, get: (m) => clock(m.receivedAt) },
    { title: 'DIR', width: 3, get: (m) => m.direction },
    { title: 'FROM', width: 15, get: (m) => m.from },
    { title: 'TO', width: 15, get: (m) => m.to },
    { title: 'STATUS', width: 13, get: (m) => m.status },
    ...(width >= 110 ? [{ title: 'USER', width: 10, get: (m: MessageView) => m.user ?? '' }] : []),
    {
      title: 'ROUTE',
      width: 0,
      get: (m) => (m.target ? (m.target.kind === 'mailbox' ? `@${m.target.user}` : m.target.kind === 'reject' ? 'rejected' : m.target.id) : ''),
    },
  ];
  const shown = [
    `status ${filters.status ?? 'any'}`,
    `dir ${filters.direction ?? 'any'}`,
    `user ${filters.user ?? 'any'}`,
    `number ${filters.number ?? 'any'}`,
  ].join(' · ');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold>
        {`Messages (newest ${MESSAGES_LIMIT}): ${rows === undefined ? '…' : list.length} · ${shown}`}
      </Text>
      <Table
        columns={columns}
        rows={list.slice(c.top, c.top + tableHeight)}
        top={c.top}
        selected={c.index}
        width={width}
        height={tableHeight}
        empty="no messages match"
      />
      {mode.kind === 'number' ? (
        <Prompt
          label="number contains /"
          initial={filters.number ?? ''}
          onSubmit={(v) => {
            setFilters((f) => ({ ...f, number: v || undefined }));
            setMode({ kind: 'list' });
          }}
          onCancel={() => setMode({ kind: 'list' })}
        />
      ) : mode.kind === 'user' ? (
        <Prompt
          label="user"
          initial={filters.user ?? ''}
          onSubmit={(v) => {
            setFilters((f) => ({ ...f, user: v || undefined }));
            setMode({ kind: 'list' });
          }}
          onCancel={() => setMode({ kind: 'list' })}
        />
      ) : (
        <Text dimColor wrap="truncate">
          / number · s status · m direction · u user · c clear · enter detail
        </Text>
      )}
    </Box>
  );
}
