/** @jsxRuntime automatic @jsxImportSource react */
// Queues: every outbound connection's queue and the no-route messages; enter opens one. A queue is read a
// page at a time around what is on screen (100k waiting scroll like 100), refreshed while it shows, the
// selected message followed by its id as the queue moves. r retries now, d deletes after a yes.
import { Box, Text, useInput } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import type { QueueItemView } from '../../core/admin/protocol.ts';
import { Confirm } from '../ui/confirm.tsx';
import { followCursor, listDelta, moveCursor, clampCursor, type Cursor } from '../ui/cursor.ts';
import { Prompt } from '../ui/prompt.tsx';
import { Table } from '../ui/table.tsx';
import { due, stateLabel, type Column } from '../ui/text.ts';
import { MessageDetail } from './message-detail.tsx';
import { errorText, refuseReadonly, type Ask, type ViewProps } from './types.ts';

/** Items per queue.list request: the screen needs at most two pages. */
export const QUEUE_PAGE = 200;
export const QUEUE_REFRESH_MS = 1500;

const NO_ROUTE = '(no route)';

interface QueueRow {
  id: string | null;
  name: string;
  queued: number;
  retrying: number;
  state: string;
}

export function Queues(props: ViewProps & { ask: Ask; open: string | null | undefined; setOpen(c: string | null | undefined): void }) {
  const { state, width, height, active, open } = props;
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  const rows: QueueRow[] = [
    ...state.connections
      .filter((c) => c.outbound)
      .map((c) => ({ id: c.id, name: c.id, queued: state.queues[c.id]?.queued ?? 0, retrying: state.queues[c.id]?.retrying ?? 0, state: stateLabel(c.state) })),
    { id: null, name: NO_ROUTE, queued: state.noRoute, retrying: 0, state: '' },
  ];
  const tableHeight = Math.max(1, height - 1);
  const c = clampCursor(cursor, rows.length, tableHeight);
  useInput(
    (input, key) => {
      const d = listDelta(input, key, tableHeight);
      if (d !== undefined) return setCursor((cur) => moveCursor(clampCursor(cur, rows.length, tableHeight), d, rows.length, tableHeight, (i) => rows[i]?.name));
      if (key.return && rows[c.index]) props.setOpen(rows[c.index]!.id);
    },
    { isActive: active && open === undefined },
  );
  if (open !== undefined) return <QueueItems {...props} connection={open} onBack={() => props.setOpen(undefined)} />;
  const columns: Column<QueueRow>[] = [
    { title: 'QUEUE', width: 16, get: (r) => r.name },
    { title: 'QUEUED', width: 8, get: (r) => String(r.queued) },
    { title: 'RETRYING', width: 8, get: (r) => String(r.retrying) },
    { title: 'STATE', width: 0, get: (r) => r.state },
  ];
  return (
    <Box flexDirection="column">
      <Text>Queues: enter opens one</Text>
      <Table columns={columns} rows={rows.slice(c.top, c.top + tableHeight)} top={c.top} selected={c.index} width={width} height={tableHeight} />
    </Box>
  );
}

/** The selected message in full: its id and its last error, which the table may cut. */
function selectedLine(i: QueueItemView | undefined): string {
  if (!i) return ' ';
  return `› ${i.id}${i.user ? ` (user ${i.user})` : ''}${i.lastError ? ` · last error: ${i.lastError}` : ''}`;
}

type Mode = { kind: 'list' } | { kind: 'filter' } | { kind: 'confirm'; item: QueueItemView } | { kind: 'detail'; id: string };

function QueueItems(props: ViewProps & { ask: Ask; connection: string | null; onBack(): void }) {
  const { ask, connection, width, height, active, flash } = props;
  const [filter, setFilter] = useState('');
  const [total, setTotal] = useState<number | undefined>();
  const [pages, setPages] = useState<Map<number, QueueItemView[]>>(new Map());
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [tick, setTick] = useState(0);
  const [, setNow] = useState(Date.now());
  // A question takes a box of three lines where the hint line was.
  const tableHeight = Math.max(1, height - (mode.kind === 'confirm' ? 6 : 4));
  const count = total ?? 0;
  const c = clampCursor(cursor, count, tableHeight);
  const itemAt = (i: number) => pages.get(Math.floor(i / QUEUE_PAGE))?.[i % QUEUE_PAGE];

  const { setCapture } = props;
  useEffect(() => setCapture(mode.kind === 'filter' || mode.kind === 'confirm'), [mode.kind, setCapture]);

  // Read the pages on screen; then follow the selected message to where it is now.
  const firstPage = Math.floor(c.top / QUEUE_PAGE);
  const lastPage = Math.floor((c.top + tableHeight - 1) / QUEUE_PAGE);
  useEffect(() => {
    let live = true;
    const wanted = firstPage === lastPage ? [firstPage] : [firstPage, lastPage];
    Promise.all(wanted.map((p) => ask('queue.list', { connection, page: p + 1, pageSize: QUEUE_PAGE, ...(filter ? { filter } : {}) }))).then(
      (answers) => {
        if (!live) return;
        const next = new Map<number, QueueItemView[]>();
        answers.forEach((a, i) => next.set(wanted[i]!, a.items));
        const newTotal = answers[0]!.total;
        setPages(next);
        setTotal(newTotal);
        const find = (id: string) => {
          for (const [p, items] of next) {
            const at = items.findIndex((x) => x.id === id);
            if (at >= 0) return p * QUEUE_PAGE + at;
          }
          return undefined;
        };
        setCursor((cur) => followCursor(cur, newTotal, tableHeight, find, (i) => next.get(Math.floor(i / QUEUE_PAGE))?.[i % QUEUE_PAGE]?.id));
        setNow(Date.now());
      },
      (e) => live && flash(errorText(e), 'error'),
    );
    return () => {
      live = false;
    };
  }, [ask, connection, filter, firstPage, lastPage, tableHeight, tick, flash]);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), QUEUE_REFRESH_MS);
    return () => clearInterval(t);
  }, []);

  const act = useCallback(
    async (what: 'retry' | 'delete', item: QueueItemView) => {
      try {
        if (what === 'retry') {
          const r = await ask('messages.retry', { message: item.id });
          flash(`message ${item.id} to ${item.to}: retry now, ${r.status}${r.connection ? ` on ${r.connection}` : ''}`, 'ok');
        } else {
          await ask('messages.delete', { message: item.id });
          flash(`message ${item.id} to ${item.to}: deleted`, 'ok');
        }
      } catch (e) {
        flash(`${what} ${item.id}: ${errorText(e)}`, 'error');
      }
      setTick((n) => n + 1);
    },
    [ask, flash],
  );

  useInput(
    (input, key) => {
      if (key.escape) return props.onBack();
      const d = listDelta(input, key, tableHeight);
      if (d !== undefined) return setCursor((cur) => moveCursor(clampCursor(cur, count, tableHeight), d, count, tableHeight, (i) => itemAt(i)?.id));
      if (input === '/') return setMode({ kind: 'filter' });
      const item = itemAt(c.index);
      if (!item) return;
      if (key.return) return setMode({ kind: 'detail', id: item.id });
      if (input === 'r' && !refuseReadonly(props)) void act('retry', item);
      if (input === 'd' && !refuseReadonly(props)) setMode({ kind: 'confirm', item });
    },
    { isActive: active && mode.kind === 'list' },
  );

  const name = connection ?? NO_ROUTE;
  if (mode.kind === 'detail') return <MessageDetail id={mode.id} ask={ask} height={height} onBack={() => setMode({ kind: 'list' })} />;
  const columns: Column<QueueItemView>[] = [
    { title: 'TO', width: 15, get: (i) => i.to },
    ...(width >= 100 ? [{ title: 'FROM', width: 15, get: (i: QueueItemView) => i.from }] : []),
    { title: 'STATUS', width: 9, get: (i) => (i.sending ? 'sending' : i.status) },
    { title: 'TRIES', width: 5, get: (i) => String(i.attempts) },
    { title: 'NEXT', width: 7, get: (i) => (i.sending ? '' : due(i.nextAttemptAt)) },
    ...(width >= 110 ? [{ title: 'ID', width: 26, get: (i: QueueItemView) => i.id }] : []),
    { title: 'LAST ERROR', width: 0, get: (i) => i.lastError ?? '' },
  ];
  const rows: (QueueItemView | undefined)[] = [];
  for (let i = c.top; i < Math.min(count, c.top + tableHeight); i++) rows.push(itemAt(i));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold>
        {`Queue ${name}: ${total === undefined ? '…' : `${count}${filter ? ` matching "${filter}"` : ''} waiting`}${count ? ` · ${c.index + 1}/${count}` : ''}`}
      </Text>
      <Table
        columns={columns}
        rows={rows}
        top={c.top}
        selected={c.index}
        width={width}
        height={tableHeight}
        color={(i) => (i.status === 'retrying' ? 'yellow' : undefined)}
        empty={filter ? `nothing matches "${filter}"` : 'the queue is empty'}
      />
      <Text wrap="truncate">{selectedLine(itemAt(c.index))}</Text>
      {mode.kind === 'filter' ? (
        <Prompt
          label="filter /"
          initial={filter}
          onSubmit={(v) => {
            setFilter(v);
            setCursor({ index: 0, top: 0 });
            setMode({ kind: 'list' });
          }}
          onCancel={() => setMode({ kind: 'list' })}
        />
      ) : mode.kind === 'confirm' ? (
        <Confirm
          question={`Delete message ${mode.item.id} (${mode.item.from} → ${mode.item.to}, ${mode.item.status})? It leaves the queue for good.`}
          onYes={() => {
            void act('delete', mode.item);
            setMode({ kind: 'list' });
          }}
          onNo={() => {
            flash('nothing deleted', 'ok');
            setMode({ kind: 'list' });
          }}
        />
      ) : (
        <Text dimColor wrap="truncate">
          {filter ? `filter "${filter}" (/ to change, empty to clear)` : '/ filters by number, id, status or error'}
        </Text>
      )}
    </Box>
  );
}
