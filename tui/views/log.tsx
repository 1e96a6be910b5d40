/** @jsxRuntime automatic @jsxImportSource react */
// The gateway's log, tailed: follows the newest line unless scrolled up (f follows again); / filters the
// text, l steps the lowest level shown.
import { Box, Text, useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { LogLineEvent } from '../../core/admin/protocol.ts';
import { Prompt } from '../ui/prompt.tsx';
import { tint, useTheme } from '../ui/theme.ts';
import type { ViewProps } from './types.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const MIN_LEVELS = ['debug', 'info', 'warn', 'error'];

export function logText(l: LogLineEvent): string {
  const fields = Object.entries(l.fields)
    .filter(([k]) => k !== 'err')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const err = (l.fields.err as { message?: string } | undefined)?.message;
  return `${l.time.slice(11, 19)} ${l.level.toUpperCase().padEnd(5)} ${l.msg}${err ? `: ${err}` : ''}${fields ? `  ${fields}` : ''}`;
}

export function Log(props: ViewProps) {
  const { state, height, active, setCapture } = props;
  const theme = useTheme();
  const [filter, setFilter] = useState('');
  const [min, setMin] = useState('debug');
  const [typing, setTyping] = useState(false);
  /** Lines scrolled up from the newest; 0 follows. */
  const [back, setBack] = useState(0);
  useEffect(() => setCapture(typing), [typing, setCapture]);
  const lines = state.log.filter((l) => LEVELS.indexOf(l.level) >= LEVELS.indexOf(min) && (!filter || logText(l).toLowerCase().includes(filter.toLowerCase())));
  const h = Math.max(1, height - 2);
  const maxBack = Math.max(0, lines.length - h);
  const b = Math.min(back, maxBack);
  useInput(
    (input, key) => {
      if (key.upArrow || input === 'k') setBack(Math.min(maxBack, b + 1));
      else if (key.downArrow || input === 'j') setBack(Math.max(0, b - 1));
      else if (key.pageUp) setBack(Math.min(maxBack, b + h));
      else if (key.pageDown) setBack(Math.max(0, b - h));
      else if (input === 'g') setBack(maxBack);
      else if (input === 'G' || input === 'f') setBack(0);
      else if (input === 'l') setMin(MIN_LEVELS[(MIN_LEVELS.indexOf(min) + 1) % MIN_LEVELS.length]!);
      else if (input === '/') setTyping(true);
    },
    { isActive: active && !typing },
  );
  const shown = lines.slice(Math.max(0, lines.length - h - b), lines.length - b);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold>
        {`Log: ${lines.length} lines · level ${min}+${filter ? ` · filter "${filter}"` : ''} · ${b ? `scrolled (f follows)` : 'following'}`}
      </Text>
      <Box flexDirection="column" height={h}>
        {shown.length === 0 ? <Text dimColor>no log lines yet</Text> : null}
        {shown.map((l) => (
          <Text key={l.seq} wrap="truncate" color={tint(theme, l.level === 'warn' ? 'yellow' : l.level === 'error' || l.level === 'fatal' ? 'red' : undefined)}>
            {logText(l)}
          </Text>
        ))}
      </Box>
      {typing ? (
        <Prompt
          label="filter /"
          initial={filter}
          onSubmit={(v) => {
            setFilter(v);
            setTyping(false);
          }}
          onCancel={() => setTyping(false)}
        />
      ) : (
        <Text dimColor>/ filter · l level · ↑↓ scroll · f follow</Text>
      )}
    </Box>
  );
}
