// A connection's options as an operator may see them: every value that could be a credential hidden, so
// the admin interface (and the TUI, and `nowsms status --json` pasted into a ticket) never shows one.
const SECRET_KEY = /pass(word)?|secret|^pin$|pin(code)?$|token|(^|[a-z])key$|credential|apikey/i;
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^@/\s]*@/i;

/** A JSON-safe copy of `value` with secrets replaced by "(set)"; functions dropped, buffers summarised. */
export function publicOptions(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return value.replace(URL_PASSWORD, '$1:(set)@');
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (Buffer.isBuffer(value)) return `(${value.length} octets)`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (depth >= 5) return '(...)';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => publicOptions(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function') continue;
    out[k] = SECRET_KEY.test(k) && v !== '' && v !== false ? '(set)' : publicOptions(v, depth + 1);
  }
  return out;
}
