// Binary MMS (OMA-MMS-ENC) and the WAP push that carries a notification: decoding is total (a PDU, or the
// codec's own error naming an offset inside the input); what the encoder writes from a decoded PDU the
// decoder reads again; a push's body is the tail of its input.
import fc from 'fast-check';
import { decodeMms, encodeMms, isMmsError } from '../../../core/index.ts';
import { isWapPushError, parseWapPush } from '../../../plugins/gprs-mms/push/index.ts';
import { DECODABLE, pduBytes } from '../../core/codecs/mms/mms-vectors.ts';
import { ALL_FIELDS, SAMPLES } from '../../core/codecs/mms/samples.ts';
import { fuzzSeeds } from '../../plugins/gprs-mms/push-fuzz.ts';
import { mutatedBytes } from '../mutate.ts';
import { broken, type FuzzTarget } from '../target.ts';

const mmsSeeds = [...DECODABLE.map(pduBytes).filter((b) => b.length < 4096), ...[...SAMPLES, ALL_FIELDS].map((p) => encodeMms(p))];

export const mmsCodec: FuzzTarget = {
  name: 'mms',
  about: 'decodeMms is total with offsets inside the input; encodeMms of a decoded PDU decodes again',
  property: () =>
    fc.property(mutatedBytes(mmsSeeds, 200), (bytes) => {
      let pdu;
      try {
        pdu = decodeMms(bytes);
      } catch (e) {
        if (!isMmsError(e)) broken(`not an MmsError: ${(e as Error).stack}`);
        const offset = (e as { offset?: number }).offset;
        if (offset !== undefined && (offset < 0 || offset > bytes.length)) broken(`offset ${offset} outside the ${bytes.length} octets`);
        return;
      }
      let again: Buffer;
      try {
        again = encodeMms(pdu);
      } catch (e) {
        if (!isMmsError(e)) broken(`encodeMms threw ${(e as Error).stack}`);
        return;
      }
      const back = decodeMms(again);
      if (back.messageType !== pdu.messageType || (back.parts?.length ?? 0) !== (pdu.parts?.length ?? 0)) broken('the re-encoded PDU reads differently');
    }),
};

export const wapPush: FuzzTarget = {
  name: 'wap-push',
  about: 'parseWapPush is total (a WapPushError at an offset inside the input); a body is the input tail',
  property: () =>
    fc.property(mutatedBytes(fuzzSeeds(), 160), (bytes) => {
      try {
        const push = parseWapPush(bytes);
        if (!bytes.subarray(bytes.length - push.body.length).equals(push.body)) broken('the body is not the tail of the input');
      } catch (e) {
        if (!isWapPushError(e)) broken(`not a WapPushError: ${(e as Error).stack}`);
        if (e.offset < 0 || e.offset > bytes.length) broken(`offset ${e.offset} outside the ${bytes.length} octets`);
      }
    }),
};
