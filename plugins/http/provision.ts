// /provision: NowSMS's account provisioning over HTTP (Type=SMS; AdminAction=Add|Modify|Delete|CreditCheck)
// for users with the HTTP admin right. Answers plain text: "OK" (CreditCheck: "OK" and "Credits=N"), or
// "ERROR: why". Yes/No flags map onto the same user fields as `nowsms users add/set`.
import { addUser, NowsmsError, removeUser, setUser, type PluginApi, type UserFields } from 'nowsms';
import { HttpError } from './errors.ts';
import type { Params } from './params.ts';

function yesNo(params: Params, name: string): boolean | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  if (/^(yes|y|true|1|on)$/i.test(v.trim())) return true;
  if (/^(no|n|false|0|off)$/i.test(v.trim())) return false;
  throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `${name} must be Yes or No`);
}

function count(params: Params, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v.trim())) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `${name} must be a whole number`);
  return Number(v);
}

const list = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function fieldsOf(params: Params, password: string | undefined): UserFields {
  const f: UserFields = {};
  const set = <K extends keyof UserFields>(k: K, v: UserFields[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('password', password || undefined);
  set('fullName', params.get('Fullname', 'FullName'));
  set('httpLogin', yesNo(params, 'EnableWebLogin'));
  set('smppLogin', yesNo(params, 'EnableSmppLogin'));
  set('smtpLogin', yesNo(params, 'EnableSmtpLogin'));
  set('httpAdmin', yesNo(params, 'AdminEnabled'));
  set('receive', yesNo(params, 'ReceiveEnabled'));
  set('forcedSender', params.get('ForcedSenderAddress') || undefined);
  set('allowIps', list(params.get('RestrictIPAddress')));
  set('recipients', list(params.get('RecipientAddresses')));
  set('dailyLimit', count(params, 'MessageLimitPerDay'));
  set('monthlyLimit', count(params, 'MessageLimitPerMonth'));
  return f;
}

/** `password`: the account's (the request may also carry the admin's under the same name; the caller knows which). */
export async function provision(api: PluginApi, params: Params, password: string | undefined): Promise<string> {
  const type = params.get('Type') ?? 'SMS';
  if (type.toUpperCase() !== 'SMS') throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `Type=${type}: only Type=SMS (SMS Users accounts) is provisioned here`);
  const action = (params.get('AdminAction') ?? '').toLowerCase();
  const name = params.get('Name');
  if (!name) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'Name is missing: the account to act on');
  const { stores, auth, config } = api;
  const credits = (current: number | undefined, fields: UserFields) => {
    const enable = yesNo(params, 'EnableCreditBalance');
    const add = count(params, 'CreditsToAdd');
    if (enable === false) fields.credits = undefined;
    else if (add !== undefined || enable === true) fields.credits = (current ?? 0) + (add ?? 0);
  };
  try {
    switch (action) {
      case 'add': {
        const fields = fieldsOf(params, password);
        credits(undefined, fields);
        await addUser(stores.users, auth, config, name, fields);
        return 'OK\n';
      }
      case 'modify': {
        const existing = await stores.users.get(name);
        if (!existing || existing.removed) throw new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no user ${name}`);
        const fields = fieldsOf(params, password);
        credits(existing.credits, fields);
        // MessageLimitDefault=Yes clears the account's own limits.
        if (yesNo(params, 'MessageLimitDefault') === true) Object.assign(fields, { dailyLimit: undefined, monthlyLimit: undefined });
        await setUser(stores.users, auth, config, name, fields);
        return 'OK\n';
      }
      case 'delete':
        if (!(await removeUser(stores.users, name))) throw new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no user ${name}`);
        return 'OK\n';
      case 'creditcheck': {
        const u = await stores.users.get(name);
        if (!u || u.removed) throw new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no user ${name}`);
        return `OK\nCredits=${u.credits ?? 'unlimited'}\n`;
      }
      default:
        throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'AdminAction must be Add, Modify, Delete or CreditCheck');
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof NowsmsError && (err.code === 'NOWSMS_ERR_USER' || err.code === 'NOWSMS_ERR_NOT_FOUND'))
      throw new HttpError(err.code === 'NOWSMS_ERR_NOT_FOUND' ? 404 : 400, err.code, err.message);
    throw err;
  }
}
