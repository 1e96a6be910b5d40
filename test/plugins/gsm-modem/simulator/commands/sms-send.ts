// Sending and writing messages and acknowledging direct deliveries (27.005 §3.4.4 +CNMA,
// §3.5.1 +CMGS, §3.5.2 +CMSS, §3.5.3 +CMGW), in PDU mode (§4) and text mode (§3).
import { decodePdu, type DecodedSubmit } from '../../../../../core/codecs/pdu/index.ts';
import { fromTe } from '../charset.ts';
import { intParam, maxParams, stringParam, type Param } from '../params.ts';
import { isFinal, readPduBody } from '../pdu-input.ts';
import { CMS, cms, ERROR, OK, type Final } from '../result-codes.ts';
import type { MessageStatus } from '../storage.ts';
import { textSubmission } from '../text-submit.ts';
import { answered, submit, type Submission } from './submit.ts';
import type { CommandContext, CommandTable, Outcome, PromptRequest } from './types.ts';

// 27.005 §4.3: at most 164 octets of TPDU (an SMS-SUBMIT with the longest address and validity).
const MAX_TPDU = 164;

function prompt(complete: (body: string) => Promise<Final | undefined> | Final | undefined): PromptRequest {
  // ESC cancels without sending; modems answer it with OK.
  return { kind: 'prompt', complete: (body, send) => (send ? complete(body) : OK) };
}

function textAddress(ctx: CommandContext, params: Param[]): { da: string; toda: number | undefined } {
  const da = fromTe(stringParam(params[0]), ctx.modem.settings.cscs);
  const p = params[1];
  return { da, toda: p === undefined || p.kind === 'empty' ? undefined : intParam(p, 128, 255) };
}

function cmgs(ctx: CommandContext, params: Param[]): Outcome {
  if (ctx.modem.settings.cmgf === 0) {
    maxParams(params, 1);
    const length = intParam(params[0], 1, MAX_TPDU);
    return prompt(async (body) => {
      const read = readPduBody(body, length, 'mo');
      if (isFinal(read)) return read;
      if (read.decoded.type !== 'submit') return cms(CMS.invalidPduParameter);
      return answered(ctx, await submit(ctx, { ...read, decoded: read.decoded }, 'CMGS'), '+CMGS');
    });
  }
  maxParams(params, 2);
  const { da, toda } = textAddress(ctx, params);
  return prompt(async (typed) => {
    const built = textSubmission(da, toda, typed, ctx.modem.settings);
    if (isFinal(built)) return built;
    return answered(ctx, await submit(ctx, built, 'CMGS'), '+CMGS');
  });
}

function store(ctx: CommandContext, pdu: string, tpduLength: number, status: MessageStatus, kind: 'deliver' | 'submit'): Final {
  const index = ctx.modem.writeStore.add({ kind, status, pdu, tpduLength });
  if (index === undefined) return cms(CMS.memoryFull);
  ctx.info(`+CMGW: ${index}`);
  return OK;
}

function cmgw(ctx: CommandContext, params: Param[]): Outcome {
  if (ctx.modem.settings.cmgf === 0) {
    maxParams(params, 2);
    const length = intParam(params[0], 1, MAX_TPDU);
    const status = intParam(params[1], 0, 3, 2) as MessageStatus;
    // <stat> says which way the message goes: received ones are SMS-DELIVERs, stored ones SUBMITs.
    const direction = status <= 1 ? 'mt' : 'mo';
    return prompt((body) => {
      const read = readPduBody(body, length, direction);
      if (isFinal(read)) return read;
      if (read.decoded.type !== (direction === 'mt' ? 'deliver' : 'submit')) return cms(CMS.invalidPduParameter);
      return store(ctx, read.pdu, read.tpduLength, status, read.decoded.type === 'deliver' ? 'deliver' : 'submit');
    });
  }
  maxParams(params, 3);
  const { da, toda } = textAddress(ctx, params);
  const status =
    params[2] === undefined || params[2].kind === 'empty'
      ? 2
      : (['REC UNREAD', 'REC READ', 'STO UNSENT', 'STO SENT'].indexOf(stringParam(params[2]).toUpperCase()) as MessageStatus);
  if (status < 2) return cms(CMS.invalidTextParameter);
  return prompt((typed) => {
    const built = textSubmission(da, toda, typed, ctx.modem.settings);
    if (isFinal(built)) return built;
    return store(ctx, built.pdu, built.tpduLength, status, 'submit');
  });
}

async function cmss(ctx: CommandContext, params: Param[]): Promise<Final | undefined> {
  maxParams(params, 3);
  const index = intParam(params[0], 0, 65535);
  // Sending to another address than the stored one would mean re-encoding the PDU; not simulated.
  if (params.length > 1) return cms(CMS.operationNotSupported);
  const m = ctx.modem.writeStore.get(index);
  if (!m) return cms(CMS.invalidIndex);
  if (m.kind !== 'submit') return cms(CMS.operationNotAllowed);
  const decoded = decodePdu(m.pdu, { direction: 'mo' }) as DecodedSubmit;
  const submission: Submission = { pdu: m.pdu, tpduLength: m.tpduLength, hasSmsc: m.pdu.slice(0, 2) !== '00', decoded };
  const result = await submit(ctx, submission, 'CMSS');
  if (result && !('kind' in result)) ctx.modem.writeStore.setStatus(index, 3);
  return answered(ctx, result, '+CMSS');
}

export const SMS_SEND: CommandTable = {
  '+CMGS': { needsSim: 'cms', set: cmgs, test: () => undefined },
  '+CMGW': { needsSim: 'cms', set: cmgw, test: () => undefined },
  '+CMSS': { needsSim: 'cms', set: cmss, test: () => undefined },
  '+CNMA': {
    exec: (ctx) => ctx.modem.routing.acknowledge(true),
    set(ctx, params) {
      // The parameters, and the RP-ACK/RP-ERROR PDU they announce, exist in PDU mode only (§4.6).
      if (ctx.modem.settings.cmgf !== 0) return ERROR;
      maxParams(params, 2);
      const n = intParam(params[0], 0, 2, 0);
      const length = intParam(params[1], 0, MAX_TPDU, 0);
      if (!ctx.modem.routing.awaitingAck) return cms(CMS.noAckExpected);
      if (length === 0) return ctx.modem.routing.acknowledge(n !== 2);
      return prompt((body) => {
        if (!/^([0-9A-Fa-f]{2})+$/.test(body.replace(/\s+/g, ''))) return cms(CMS.invalidPduParameter);
        return ctx.modem.routing.acknowledge(n !== 2);
      });
    },
    test: (ctx) => (ctx.modem.settings.cmgf === 0 ? ctx.info('+CNMA: (0-2)') : undefined),
  },
};
