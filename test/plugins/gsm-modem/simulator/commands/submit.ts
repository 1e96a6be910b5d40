// Handing an SMS-SUBMIT to the network (the part of +CMGS and +CMSS after the PDU is known): the
// service centre must be known, the modem registered, and the test may have asked for a failure or
// a slow network. The modem, not the TE, numbers the submission (the <mr> of +CMGS).
import type { DecodedSubmit } from '../../../../../core/codecs/pdu/index.ts';
import { CMS, cms, OK, type Final } from '../result-codes.ts';
import type { CommandContext } from './types.ts';

export interface Submission {
  pdu: string;
  tpduLength: number;
  hasSmsc: boolean;
  decoded: DecodedSubmit;
}

/** The <mr> on success, or the final result code to answer with. */
export async function submit(ctx: CommandContext, s: Submission, via: 'CMGS' | 'CMSS'): Promise<{ mr: number } | Final | undefined> {
  const { modem } = ctx;
  if (!s.hasSmsc && modem.sim.smsc === '') return cms(CMS.smscUnknown);
  const delay = modem.faults.cmgsDelayMs;
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  if (!ctx.alive()) return undefined;
  if (!modem.network.registered) return cms(CMS.noNetworkService);
  const failure = modem.faults.takeSendFailure();
  if (failure !== undefined) {
    modem.journal.rejectedSends.push({ pdu: s.pdu, cmsError: failure, at: new Date() });
    return cms(failure);
  }
  const mr = modem.sim.takeMr();
  modem.journal.sent.push({ mr, pdu: s.pdu, tpduLength: s.tpduLength, decoded: s.decoded, via, at: new Date() });
  return { mr };
}

export function answered(ctx: CommandContext, result: { mr: number } | Final | undefined, prefix: string): Final | undefined {
  if (result === undefined || 'kind' in result) return result;
  ctx.info(`${prefix}: ${result.mr}`);
  return OK;
}
