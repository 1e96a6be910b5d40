import type { Link, LinkState } from '../link.ts';
import type { AdminCommandName, AdminCommands } from '../../core/admin/protocol.ts';

export type ViewName = 'dashboard' | 'connections' | 'queues' | 'messages' | 'users' | 'log';

export const VIEWS: ViewName[] = ['dashboard', 'connections', 'queues', 'messages', 'users', 'log'];

export type Flash = (text: string, kind?: 'ok' | 'error') => void;

/** Run an admin command: on the gateway, or (users only) on the store when no gateway runs. */
export type Ask = <C extends AdminCommandName>(command: C, params: AdminCommands[C]['request']) => Promise<AdminCommands[C]['result']>;

export interface ViewProps {
  link: Link;
  state: LinkState;
  width: number;
  /** Rows the view may use. */
  height: number;
  readonly: boolean;
  /** No help, command line or other overlay is in front of the view. */
  active: boolean;
  /** The view is reading typed text (a filter, a form): global keys (q, :, ?) are off meanwhile. */
  setCapture(on: boolean): void;
  flash: Flash;
}

/** An action refused in --readonly mode says so instead of acting. */
export function refuseReadonly(props: Pick<ViewProps, 'readonly' | 'flash'>): boolean {
  if (props.readonly) props.flash('read-only mode (--readonly): actions are off', 'error');
  return props.readonly;
}

export function errorText(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
}

/** Each view's keys, for the footer and `?`. */
export const VIEW_KEYS: Record<ViewName | 'queue' | 'detail', [string, string][]> = {
  dashboard: [['enter', 'open queue']],
  connections: [['enter', 'detail']],
  queues: [['enter', 'open queue']],
  queue: [
    ['/', 'filter'],
    ['r', 'retry now'],
    ['d', 'delete'],
    ['enter', 'detail'],
    ['esc', 'back'],
  ],
  messages: [
    ['/', 'number'],
    ['s', 'status'],
    ['m', 'MO/MT'],
    ['u', 'user'],
    ['c', 'clear'],
    ['enter', 'detail'],
  ],
  users: [
    ['a', 'add'],
    ['e', 'edit'],
    ['p', 'password'],
    ['x', 'remove'],
  ],
  log: [
    ['/', 'filter'],
    ['l', 'level'],
    ['f', 'follow'],
  ],
  detail: [['esc', 'back']],
};
