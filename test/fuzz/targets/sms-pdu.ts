// SMS PDUs (3GPP TS 23.040): decoding is total (a result, or a PduError whose offset is inside the input),
// and what the encoder writes for any text the decoder reads back, in as many segments as planSms says.
import fc from 'fast-check';
import { decodePdu, encodeSubmit, isPduError, planSms } from '../../../core/index.ts';
import { VECTORS } from '../../core/codecs/pdu/sms-vectors.ts';
import { mutatedBytes } from '../mutate.ts';
import { broken, type FuzzTarget } from '../target.ts';
import { smsText } from './text.ts';

const seeds = VECTORS.map((v) => Buffer.from(v.pdu, 'hex'));

export const smsPduDecode: FuzzTarget = {
  name: 'sms-pdu',
  about: 'decodePdu of mutated vectors and random octets: a PDU, or a PduError at an offset inside the input',
  property: () =>
    fc.property(mutatedBytes(seeds, 200), fc.boolean(), fc.constantFrom('mt' as const, 'mo' as const), (bytes, hasSmsc, direction) => {
      try {
        decodePdu(bytes, { hasSmsc, direction });
      } catch (e) {
        if (!isPduError(e)) broken(`not a PduError: ${(e as Error).stack}`);
        const offset = (e as { offset?: number }).offset;
        if (offset !== undefined && (offset < 0 || offset > bytes.length)) broken(`offset ${offset} outside the ${bytes.length} octets`);
      }
    }),
};

export const smsPduRoundTrip: FuzzTarget = {
  name: 'sms-roundtrip',
  about: 'encodeSubmit of any text, then decodePdu of each segment, gives the text back in planSms segments',
  property: () =>
    fc.property(smsText, fc.boolean(), (text, concat16) => {
      const pdus = encodeSubmit({ to: '+447700900123', text, concatRef: 7, concat16 });
      const plan = planSms(text);
      if (pdus.length !== Math.max(1, plan.segments.length)) broken(`${pdus.length} PDUs, planSms says ${plan.segments.length}`);
      const back = pdus.map((p) => decodePdu(p.pdu, { direction: 'mo' }).text ?? '').join('');
      if (back !== text) broken(`read back ${JSON.stringify(back)}`);
    }),
};
