// Plain-text helpers for fixed-width rows: one Text per row keeps frames cheap at 100k rows scrolled.
import type { ConnectionState } from '../../core/types.ts';

/** Cut to `width` columns (an ellipsis marks the cut) and pad to it. */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  const flat = s.replace(/[\r\n\t]+/g, ' ');
  if (flat.length > width) return width === 1 ? '…' : flat.slice(0, width - 1) + '…';
  return flat.padEnd(width);
}

/** The state as a word with a symbol: never colour alone. */
export function stateLabel(state: ConnectionState): string {
  switch (state) {
    case 'up':
      return '● up';
    case 'down':
      return '✖ down';
    case 'retrying':
      return '↻ retrying';
    case 'starting':
      return '… starting';
    case 'stopped':
      return '○ stopped';
    case 'standby':
      return '◌ standby';
  }
}

export function stateColor(state: ConnectionState): string | undefined {
  return state === 'up' ? 'green' : state === 'down' ? 'red' : state === 'retrying' || state === 'starting' ? 'yellow' : undefined;
}

export function rate(n: number | undefined): string {
  if (!n) return '';
  return n >= 100 ? `${Math.round(n)}/s` : `${n.toFixed(1)}/s`;
}

/**
 * `sent 120 +12.0/s, failed 2`: the counters, those moving first, then the others that are not zero (all
 * of them with `zeros`), so that a narrow column shows what is happening.
 */
export function counters(c: Record<string, number>, rates: Record<string, number> | undefined, zeros = false): string {
  const moving = (k: string) => (rates?.[k] ? 1 : 0);
  return Object.entries(c)
    .filter(([k, v]) => zeros || v !== 0 || moving(k))
    .sort(([a], [b]) => moving(b) - moving(a))
    .map(([k, v]) => `${k} ${v}${rates?.[k] ? ` +${rate(rates[k])}` : ''}`)
    .join(', ');
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toTimeString().slice(0, 8);
}

/** When the next attempt is due, relative: `now`, `in 42s`, `in 5m`, `in 3h`. */
export function due(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 120) return `in ${s}s`;
  if (s < 7200) return `in ${Math.round(s / 60)}m`;
  return `in ${Math.round(s / 3600)}h`;
}

export interface Column<T> {
  title: string;
  /** Columns; 0 shares what the fixed ones leave. */
  width: number;
  get(row: T): string;
}

/** Each column's width for this total width (one space between columns, two for the selection mark). */
export function layout<T>(columns: Column<T>[], total: number): number[] {
  const fixed = columns.reduce((n, c) => n + c.width, 0) + columns.length - 1 + 2;
  const flex = columns.filter((c) => c.width === 0).length;
  const share = flex ? Math.max(4, Math.floor((total - fixed) / flex)) : 0;
  return columns.map((c) => (c.width === 0 ? share : c.width));
}

export function row<T>(columns: Column<T>[], widths: number[], r: T): string {
  return columns.map((c, i) => fit(c.get(r), widths[i]!)).join(' ');
}

export function header<T>(columns: Column<T>[], widths: number[]): string {
  return columns.map((c, i) => fit(c.title, widths[i]!)).join(' ');
}
