// planSms: the segments put together are the text; each fits its encoding's room (153 septets or 67 UTF-16
// units with a concatenation header, the extension table counting two); no surrogate pair is cut.
import fc from 'fast-check';
import { planSms } from '../../../core/index.ts';
import { broken, type FuzzTarget } from '../target.ts';
import { smsText } from './text.ts';

const EXTENSION = new Set('^{}\\[~]|€\f');

function septets(s: string): number {
  let n = 0;
  for (const c of s) n += EXTENSION.has(c) ? 2 : 1;
  return n;
}

export const segmentation: FuzzTarget = {
  name: 'segmentation',
  about: 'planSms: segments join back to the text, each within its room, no surrogate pair cut',
  property: () =>
    fc.property(smsText, (text) => {
      const plan = planSms(text);
      if (plan.segments.join('') !== text) broken('the segments do not join back to the text');
      const single = plan.segments.length <= 1;
      for (const s of plan.segments) {
        const size = plan.encoding === 'gsm7' ? septets(s) : s.length;
        const room = plan.encoding === 'gsm7' ? (single ? 160 : 153) : single ? 70 : 67;
        if (size > room) broken(`a ${plan.encoding} segment of ${size} over ${room}`);
        const last = s.charCodeAt(s.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) broken('a segment ends inside a surrogate pair');
      }
    }),
};
