/** @jsxRuntime automatic @jsxImportSource react */
// The whole screen: a header (views, gateway, read-only), the view, a message line, the footer of keys.
// Global keys: 1-6, tab or `:name` jump to a view, `?` help, `q` quit; esc (back) is each view's. A view
// reading typed text holds the global keys meanwhile.
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Link } from './link.ts';
import { Prompt } from './ui/prompt.tsx';
import { ThemeContext, tint } from './ui/theme.ts';
import { Connections } from './views/connections.tsx';
import { Dashboard } from './views/dashboard.tsx';
import { Log } from './views/log.tsx';
import { Messages } from './views/messages.tsx';
import { NotRunning } from './views/not-running.tsx';
import { Queues } from './views/queues.tsx';
import { VIEW_KEYS, VIEWS, type Ask, type ViewName, type ViewProps } from './views/types.ts';
import { Users } from './views/users.tsx';

export const FLASH_MS = 6000;

/** Tab names on a narrow terminal. */
const SHORT: Record<ViewName, string> = { dashboard: 'dash', connections: 'conns', queues: 'queues', messages: 'msgs', users: 'users', log: 'log' };

export interface AppProps {
  link: Link;
  readonly: boolean;
  color: boolean;
  /** Where the gateway's data directory is (for the "not running" screen). */
  dataDir: string;
  /** Users when no gateway runs: the CLI's path, on the store (absent: users need a gateway). */
  offlineUsers?: Ask | undefined;
  /** Called when the user quits (q, :q), before the app unmounts. */
  onQuit?: () => void;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
}

function useTerminalSize(fixed?: { columns: number; rows: number }): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

/** Resolve a typed view name (a prefix will do): `:q` quits, `:help` helps. */
export function resolveJump(text: string): ViewName | 'quit' | 'help' | undefined {
  const t = text.trim().toLowerCase().replace(/^:/, '');
  if (!t) return undefined;
  if (t === 'q' || t === 'quit') return 'quit';
  if (t === 'help' || t === '?') return 'help';
  return VIEWS.find((v) => v.startsWith(t));
}

export function App({ link, readonly, color, dataDir, offlineUsers, onQuit, size: fixedSize }: AppProps) {
  const app = useApp();
  const exit = () => {
    onQuit?.();
    app.exit();
  };
  const size = useTerminalSize(fixedSize);
  const state = useSyncExternalStore(
    (cb) => link.onChange(cb),
    () => link.state().version,
  );
  const s = link.state();
  void state;
  const [view, setView] = useState<ViewName>('dashboard');
  const [overlay, setOverlay] = useState<'none' | 'help' | 'jump'>('none');
  const [capture, setCapture] = useState(false);
  const [queue, setQueue] = useState<string | null | undefined>();
  const [message, setMessage] = useState<{ text: string; kind: 'ok' | 'error' } | undefined>();
  const flashTimer = useRef<NodeJS.Timeout | undefined>(undefined);
  const flash = useCallback((text: string, kind: 'ok' | 'error' = 'ok') => {
    setMessage({ text, kind });
    clearTimeout(flashTimer.current);
    flashTimer.current = setTimeout(() => setMessage(undefined), FLASH_MS);
  }, []);
  useEffect(() => () => clearTimeout(flashTimer.current), []);

  const up = s.phase === 'up';
  const ask: Ask = useCallback((command, params) => link.request(command, params), [link]);
  const usersAsk: Ask = useCallback(
    (command, params) => (link.state().phase === 'up' || !offlineUsers ? link.request(command, params) : offlineUsers(command, params)),
    [link, offlineUsers],
  );

  const go = (v: ViewName) => {
    setView(v);
    setCapture(false);
    if (v !== 'queues') setQueue(undefined);
  };

  useInput(
    (input, key) => {
      if (overlay === 'help') {
        setOverlay('none');
        return;
      }
      if (input === 'q') return exit();
      if (input === '?') return setOverlay('help');
      if (input === ':') return setOverlay('jump');
      if (key.tab) return go(VIEWS[(VIEWS.indexOf(view) + (key.shift ? VIEWS.length - 1 : 1)) % VIEWS.length]!);
      const n = Number(input);
      if (Number.isInteger(n) && n >= 1 && n <= VIEWS.length) return go(VIEWS[n - 1]!);
    },
    { isActive: !capture && overlay !== 'jump' },
  );

  const width = size.columns;
  // Header, message line and footer take three rows; one row is left free so the frame never scrolls the terminal.
  const bodyHeight = Math.max(3, size.rows - 4);
  const props: ViewProps = {
    link,
    state: s,
    width,
    height: bodyHeight,
    readonly,
    active: overlay === 'none',
    setCapture,
    flash,
  };

  const needsGateway = !(view === 'users' && offlineUsers);
  let body;
  if (overlay === 'help') body = <Help readonly={readonly} />;
  else if (!up && needsGateway)
    body = <NotRunning phase={s.phase === 'up' ? 'connecting' : s.phase} dataDir={dataDir} error={s.error} usersOffline={Boolean(offlineUsers)} />;
  else if (view === 'dashboard')
    body = (
      <Dashboard
        {...props}
        openQueue={(c) => {
          go('queues');
          setQueue(c);
        }}
      />
    );
  else if (view === 'connections') body = <Connections {...props} />;
  else if (view === 'queues') body = <Queues {...props} ask={ask} open={queue} setOpen={setQueue} />;
  else if (view === 'messages') body = <Messages {...props} ask={ask} />;
  else if (view === 'users') body = <Users {...props} ask={usersAsk} available={up || Boolean(offlineUsers)} />;
  else body = <Log {...props} />;

  const keyView = view === 'queues' && queue !== undefined ? 'queue' : view;
  const footer = [...VIEW_KEYS[keyView].map(([k, d]) => `${k} ${d}`), '1-6/: views', '? help', 'q quit'].join(' · ');
  return (
    <ThemeContext.Provider value={{ color }}>
      <Box flexDirection="column" width={width} height={size.rows - 1}>
        <Text wrap="truncate">
          <Text bold color={tint({ color }, 'cyan')}>
            nowsms
          </Text>
          {readonly ? <Text color={tint({ color }, 'yellow')}> READ-ONLY</Text> : null}{' '}
          {VIEWS.map((v, i) => {
            const name = width < 100 ? SHORT[v] : v;
            return (
              <Text key={v} inverse={v === view && color} bold={v === view}>
                {v === view ? `[${i + 1} ${name}]` : ` ${i + 1} ${name} `}
              </Text>
            );
          })}
          {'  '}
          <Text color={tint({ color }, up ? 'green' : 'red')}>
            {up ? `● up pid ${s.pid ?? '?'}` : s.phase === 'connecting' ? '… connecting' : '✖ not running'}
          </Text>
        </Text>
        <Box flexDirection="column" height={bodyHeight} overflow="hidden">
          {body}
        </Box>
        {overlay === 'jump' ? (
          <Prompt
            label=":"
            onCancel={() => setOverlay('none')}
            onSubmit={(v) => {
              setOverlay('none');
              const to = resolveJump(v);
              if (to === 'quit') exit();
              else if (to === 'help') setOverlay('help');
              else if (to) go(to);
              else flash(`no view "${v}": ${VIEWS.join(', ')}`, 'error');
            }}
          />
        ) : (
          <Text wrap="truncate" color={tint({ color }, message?.kind === 'error' ? 'red' : 'green')}>
            {message ? `${message.kind === 'error' ? '✖' : '✔'} ${message.text}` : ' '}
          </Text>
        )}
        <Text wrap="truncate" dimColor>
          {footer}
        </Text>
      </Box>
    </ThemeContext.Provider>
  );
}

function Help({ readonly }: { readonly: boolean }) {
  const line = (k: string, d: string) => `  ${k.padEnd(10)} ${d}`;
  const lines = [
    'Keys (any key closes this help)',
    line('1-6, tab', 'views: ' + VIEWS.map((v, i) => `${i + 1} ${v}`).join(', ')),
    line(':name', 'jump to a view by name (:users, :queues, :messages, :connections, :log)'),
    line('↑↓ j k', 'move; pgup/pgdn/space page; g/G first/last'),
    line('enter', 'open (a queue, a message, a connection)'),
    line('esc', 'back'),
    line('/', 'filter (queues, messages, log)'),
    line('q', 'quit    ? this help'),
    'Queue:    r retry now · d delete (asks first) · enter detail',
    'Messages: / number · s status · m MO/MT · u user · c clear filters',
    'Users:    a add · e edit · p reset password (hidden) · x remove (asks first)',
    'Log:      / filter · l lowest level · ↑↓ scroll · f follow',
    ...(readonly ? ['Read-only mode: retry, delete and user changes are off.'] : []),
  ];
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate" bold={i === 0}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
