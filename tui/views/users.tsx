/** @jsxRuntime automatic @jsxImportSource react */
// Users: list, add (password typed hidden), edit, reset password, remove after a yes. Works on the running
// gateway, or on the store when none runs (the CLI's path), as `ask` decides.
import { Box, Text, useInput } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import { loginNames, type PublicUser } from '../../core/admin/protocol.ts';
import { Confirm } from '../ui/confirm.tsx';
import { clampCursor, followRows, listDelta, moveCursor, type Cursor } from '../ui/cursor.ts';
import { Form, type Field, type FormValues } from '../ui/form.tsx';
import { Prompt } from '../ui/prompt.tsx';
import { Table } from '../ui/table.tsx';
import type { Column } from '../ui/text.ts';
import { errorText, refuseReadonly, type Ask, type ViewProps } from './types.ts';

export const USERS_REFRESH_MS = 3000;

type Mode =
  | { kind: 'list' }
  | { kind: 'add' }
  | { kind: 'edit'; user: PublicUser }
  | { kind: 'password'; user: PublicUser; first?: string }
  | { kind: 'remove'; user: PublicUser };

function limitsText(u: PublicUser): string {
  return [
    u.dailyLimit !== undefined && `${u.dailyLimit}/day`,
    u.monthlyLimit !== undefined && `${u.monthlyLimit}/month`,
    u.credits !== undefined && `${u.credits} credits`,
  ]
    .filter(Boolean)
    .join(' ');
}

function detailFields(u?: PublicUser): Field[] {
  return [
    { name: 'fullName', label: 'Full name', kind: 'text', initial: u?.fullName ?? '' },
    { name: 'smtpLogin', label: 'SMTP/POP3 login', kind: 'yesno', initial: u?.smtpLogin ?? true, hint: 'y/n' },
    { name: 'smppLogin', label: 'SMPP login', kind: 'yesno', initial: u?.smppLogin ?? false, hint: 'y/n' },
    { name: 'receive', label: 'Receive messages', kind: 'yesno', initial: u?.receive ?? true, hint: 'y/n' },
    { name: 'recipients', label: 'Recipient numbers', kind: 'text', initial: u?.recipients.join(', ') ?? '', hint: 'comma-separated, +447700900123' },
    { name: 'forcedSender', label: 'Forced sender', kind: 'text', initial: u?.forcedSender ?? '' },
    { name: 'dailyLimit', label: 'Daily limit', kind: 'text', initial: u?.dailyLimit?.toString() ?? '', hint: 'empty: none' },
    { name: 'monthlyLimit', label: 'Monthly limit', kind: 'text', initial: u?.monthlyLimit?.toString() ?? '', hint: 'empty: none' },
  ];
}

/** The form's values as users.add / users.set fields; a limit that is not a whole number is an error. */
export function userFields(v: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {
    smtpLogin: v.smtpLogin === true,
    smppLogin: v.smppLogin === true,
    receive: v.receive === true,
    recipients: String(v.recipients ?? '')
      .split(/[,\s]+/)
      .filter(Boolean),
  };
  if (v.fullName) out.fullName = String(v.fullName);
  if (v.forcedSender) out.forcedSender = String(v.forcedSender);
  for (const k of ['dailyLimit', 'monthlyLimit']) {
    const s = String(v[k] ?? '').trim();
    if (s === '') continue;
    if (!/^\d+$/.test(s)) throw new Error(`${k}: a whole number, or empty for none`);
    out[k] = Number(s);
  }
  return out;
}

export function Users(props: ViewProps & { ask: Ask; available: boolean }) {
  const { ask, width, height, active, flash, setCapture, available } = props;
  const [users, setUsers] = useState<PublicUser[] | undefined>();
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [tick, setTick] = useState(0);
  const tableHeight = Math.max(1, height - 2);
  const list = users ?? [];
  const c = clampCursor(cursor, list.length, tableHeight);
  useEffect(() => setCapture(mode.kind !== 'list'), [mode.kind, setCapture]);

  useEffect(() => {
    if (!available) return;
    let live = true;
    ask('users.list', {}).then(
      (r) => {
        if (!live) return;
        setUsers(r);
        setCursor((cur) => followRows(cur, r, tableHeight, (u) => u.name));
      },
      (e) => live && flash(errorText(e), 'error'),
    );
    return () => {
      live = false;
    };
  }, [ask, tick, tableHeight, flash, available]);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), USERS_REFRESH_MS);
    return () => clearInterval(t);
  }, []);

  const run = useCallback(
    async (what: string, fn: () => Promise<unknown>) => {
      setMode({ kind: 'list' });
      try {
        await fn();
        flash(what, 'ok');
      } catch (e) {
        flash(`${what}: failed: ${errorText(e)}`, 'error');
      }
      setTick((n) => n + 1);
    },
    [flash],
  );

  useInput(
    (input, key) => {
      const d = listDelta(input, key, tableHeight);
      if (d !== undefined) return setCursor((cur) => moveCursor(clampCursor(cur, list.length, tableHeight), d, list.length, tableHeight, (i) => list[i]?.name));
      const u = list[c.index];
      if (input === 'a' && !refuseReadonly(props)) return setMode({ kind: 'add' });
      if (!u) return;
      if (input === 'e' && !refuseReadonly(props)) setMode({ kind: 'edit', user: u });
      if (input === 'p' && !refuseReadonly(props)) setMode({ kind: 'password', user: u });
      if ((input === 'x' || input === 'd') && !refuseReadonly(props)) setMode({ kind: 'remove', user: u });
    },
    { isActive: active && mode.kind === 'list' && available },
  );

  if (!available) return <Text>Users need a running gateway, or the gateway's config to reach its store.</Text>;
  if (mode.kind === 'add' || mode.kind === 'edit') {
    const editing = mode.kind === 'edit' ? mode.user : undefined;
    const fields: Field[] = editing
      ? detailFields(editing)
      : [{ name: 'name', label: 'Name', kind: 'text' }, { name: 'password', label: 'Password', kind: 'password', hint: 'typed hidden' }, ...detailFields()];
    return (
      <Form
        title={editing ? `Edit user ${editing.name}` : 'Add a user'}
        fields={fields}
        onCancel={() => setMode({ kind: 'list' })}
        onSubmit={(v) => {
          let fieldsOut: Record<string, unknown>;
          try {
            fieldsOut = userFields(v);
          } catch (e) {
            return flash(errorText(e), 'error');
          }
          if (editing) {
            void run(`user ${editing.name} updated`, () => ask('users.set', { name: editing.name, ...fieldsOut }));
          } else {
            const name = String(v.name ?? '').trim();
            if (!name) return flash('a user needs a name', 'error');
            const password = String(v.password ?? '');
            void run(`user ${name} added`, () => ask('users.add', { name, ...(password ? { password } : {}), ...fieldsOut }));
          }
        }}
      />
    );
  }
  const columns: Column<PublicUser>[] = [
    { title: 'NAME', width: 16, get: (u) => u.name },
    {
      title: 'LOGINS',
      width: 20,
      get: (u) => loginNames(u).join(',') || 'none',
    },
    { title: 'RECEIVE', width: 7, get: (u) => (u.receive ? 'yes' : 'no') },
    { title: 'LIMITS', width: 14, get: limitsText },
    { title: 'RECIPIENTS', width: 0, get: (u) => u.recipients.join(', ') },
  ];
  return (
    <Box flexDirection="column">
      <Table
        columns={columns}
        rows={list.slice(c.top, c.top + tableHeight)}
        top={c.top}
        selected={c.index}
        width={width}
        height={tableHeight}
        empty={users === undefined ? 'loading …' : 'no users: a adds one'}
      />
      {mode.kind === 'password' ? (
        <Prompt
          key={mode.first === undefined ? 'first' : 'again'}
          label={mode.first === undefined ? `New password for ${mode.user.name}:` : 'The same password again:'}
          hidden
          onCancel={() => setMode({ kind: 'list' })}
          onSubmit={(v) => {
            if (!v) return flash('an empty password is not set', 'error');
            if (mode.first === undefined) return setMode({ ...mode, first: v });
            if (v !== mode.first) {
              setMode({ kind: 'list' });
              return flash('the two passwords differ: nothing changed', 'error');
            }
            void run(`password of ${mode.user.name} reset`, () => ask('users.set', { name: mode.user.name, password: v }));
          }}
        />
      ) : mode.kind === 'remove' ? (
        <Confirm
          question={`Remove user ${mode.user.name}? Their logins stop working at once.`}
          onYes={() => void run(`user ${mode.user.name} removed`, () => ask('users.remove', { name: mode.user.name }))}
          onNo={() => {
            setMode({ kind: 'list' });
            flash('nothing removed', 'ok');
          }}
        />
      ) : (
        <Text dimColor wrap="truncate">
          a add · e edit · p reset password · x remove
        </Text>
      )}
    </Box>
  );
}
