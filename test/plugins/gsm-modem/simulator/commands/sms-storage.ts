// Reading, listing and deleting stored messages (27.005 §3.5.1-3.5.4 +CMGR, +CMGL, +CMGD).
// Reading an unread message marks it read; only +CMGD removes it.
import { isPduError } from '../../../../../core/codecs/pdu/index.ts';
import { intParam, maxParams, ParamError, stringParam, type Param } from '../params.ts';
import { CMS, cms } from '../result-codes.ts';
import { STATUS_TEXT, type MessageStatus, type StoredMessage } from '../storage.ts';
import { textCmgl, textCmgr } from '../text-mode.ts';
import type { CommandContext, CommandTable, Outcome } from './types.ts';

const ALL = 4;

function listStatus(ctx: CommandContext, p: Param | undefined): MessageStatus | typeof ALL {
  if (ctx.modem.settings.cmgf === 0) return intParam(p, 0, 4, 0) as MessageStatus | typeof ALL;
  const text = stringParam(p, 'REC UNREAD').toUpperCase();
  const i = [...STATUS_TEXT, 'ALL'].indexOf(text);
  if (i < 0) throw new ParamError(`no status ${text}`);
  return i as MessageStatus | typeof ALL;
}

function markRead(ctx: CommandContext, m: StoredMessage): void {
  if (m.status === 0) ctx.modem.readStore.setStatus(m.index, 1);
}

// Text mode has to decode what it stores; a PDU that does not decode (deliverPdu of a broken
// one) cannot be shown there, and the modem says so rather than hiding it.
function textOf(render: () => string[]): string[] | undefined {
  try {
    return render();
  } catch (e) {
    if (isPduError(e)) return undefined;
    throw e;
  }
}

function list(ctx: CommandContext, status: MessageStatus | typeof ALL): Outcome {
  const store = ctx.modem.readStore;
  const messages = store.list(status === ALL ? undefined : status);
  const lines: string[] = [];
  for (const m of messages) {
    if (ctx.modem.settings.cmgf === 0) {
      lines.push(`+CMGL: ${m.index},${m.status},,${m.tpduLength}`, m.pdu);
      continue;
    }
    const text = textOf(() => textCmgl(m, ctx.modem.settings));
    if (!text) return cms(CMS.unknown);
    lines.push(...text);
  }
  if (lines.length > 0) ctx.info(...lines);
  for (const m of messages) markRead(ctx, m);
  return undefined;
}

export const SMS_STORAGE: CommandTable = {
  '+CMGR': {
    needsSim: 'cms',
    set(ctx, params) {
      maxParams(params, 1);
      const index = intParam(params[0], 0, 65535);
      const m = ctx.modem.readStore.get(index);
      // Out of range and empty alike: many modems answer an empty slot with 321 too.
      if (!m) return cms(CMS.invalidIndex);
      if (ctx.modem.settings.cmgf === 0) {
        ctx.info(`+CMGR: ${m.status},,${m.tpduLength}`, m.pdu);
      } else {
        const text = textOf(() => textCmgr(m, ctx.modem.settings));
        if (!text) return cms(CMS.unknown);
        ctx.info(...text);
      }
      markRead(ctx, m);
    },
    test: () => undefined,
  },
  '+CMGL': {
    needsSim: 'cms',
    exec: (ctx) => list(ctx, listStatus(ctx, undefined)),
    set(ctx, params) {
      maxParams(params, 2);
      return list(ctx, listStatus(ctx, params[0]));
    },
    test(ctx) {
      if (ctx.modem.settings.cmgf === 0) ctx.info('+CMGL: (0-4)');
      else ctx.info(`+CMGL: (${[...STATUS_TEXT, 'ALL'].map((s) => `"${s}"`).join(',')})`);
    },
  },
  '+CMGD': {
    needsSim: 'cms',
    set(ctx, params) {
      maxParams(params, 2);
      const index = intParam(params[0], 0, 65535);
      const flag = intParam(params[1], 0, 4, 0);
      const store = ctx.modem.readStore;
      let freed: boolean;
      if (flag === 0) {
        if (!store.inRange(index)) return cms(CMS.invalidIndex);
        freed = store.delete(index);
      } else {
        freed = store.deleteByFlag(flag as 1 | 2 | 3 | 4) > 0;
      }
      if (freed) ctx.modem.routing.memoryFreed();
    },
    test(ctx) {
      const used = ctx.modem.readStore.list().map((m) => m.index);
      ctx.info(`+CMGD: (${used.join(',')}),(0-4)`);
    },
  },
};
