/** @jsxRuntime automatic @jsxImportSource react */
// One message: who, where it was routed, its parts and its whole history. esc goes back.
import { Box, Text, useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { MessageView } from '../../core/admin/protocol.ts';
import { errorText, type Ask } from './types.ts';

function route(m: MessageView): string {
  const t = m.target;
  if (!t) return m.status === 'no-route' ? 'none (waiting with no route)' : 'none';
  if (t.kind === 'mailbox') return `mailbox of ${t.user}`;
  if (t.kind === 'connection') return `connection ${t.id}`;
  if (t.kind === 'command') return `command ${t.id}`;
  return `rejected: ${t.reason}`;
}

export function detailLines(m: MessageView): string[] {
  return [
    `message ${m.id}`,
    `${m.direction} ${m.kind} from ${m.from} to ${m.to}${m.user ? ` · user ${m.user}` : ''}${m.via ? ` · via ${m.via}` : ''}`,
    `status ${m.status} · received ${m.receivedAt}`,
    `route: ${route(m)}`,
    ...(m.subject ? [`subject: ${m.subject}`] : []),
    `parts (${m.parts.length}):`,
    ...m.parts.map((p, i) => `  ${i + 1}. ${p.contentType}${p.name ? ` "${p.name}"` : ''} ${p.size} B`),
    `history (${m.history.length}):`,
    ...m.history.map((h) => `  ${h.at.replace('T', ' ').slice(0, 19)} ${h.status.padEnd(13)} ${h.detail ?? ''}`),
  ];
}

export function MessageDetail({ id, ask, height, onBack }: { id: string; ask: Ask; height: number; onBack(): void }) {
  const [m, setM] = useState<MessageView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [top, setTop] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      ask('messages.get', { message: id }).then(
        (v) => live && setM(v),
        (e) => live && setError(errorText(e)),
      );
    void load();
    const t = setInterval(load, 2000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [id, ask]);
  const lines = m ? detailLines(m) : [error ?? `loading message ${id} …`];
  useInput((input, key) => {
    if (key.escape || key.leftArrow) return onBack();
    if (key.downArrow || input === 'j') setTop((t) => Math.min(Math.max(0, lines.length - height), t + 1));
    if (key.upArrow || input === 'k') setTop((t) => Math.max(0, t - 1));
  });
  return (
    <Box flexDirection="column">
      {lines.slice(top, top + height).map((l, i) => (
        <Text key={i} wrap="truncate" bold={i + top === 0}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
