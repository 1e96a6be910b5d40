// MM7 (3GPP TS 23.140 SOAP with attachments): any request body, with any content type around it, gives a
// message or an Mm7Error carrying an MM7 status code, never another exception.
import fc from 'fast-check';
import { isMm7Error, parseMm7 } from '../../../plugins/mmsc-vasp/mm7/index.ts';
import { exampleHttp, mm7Examples } from '../../plugins/mmsc-vasp/mm7-vectors.ts';
import { mutatedBytes, mutatedText } from '../mutate.ts';
import { broken, type FuzzTarget } from '../target.ts';

const examples = mm7Examples().map((e) => exampleHttp(e.file, true));

export const mm7: FuzzTarget = {
  name: 'mm7',
  about: 'parseMm7 of mutated Sinch examples: a message or an Mm7Error with a status code',
  property: () =>
    fc.property(
      fc.nat({ max: examples.length - 1 }),
      mutatedBytes(
        examples.map((e) => e.body),
        400,
      ),
      mutatedText(examples.map((e) => e.contentType)),
      fc.boolean(),
      (i, body, contentType, keepType) => {
        try {
          parseMm7({ contentType: keepType ? examples[i]!.contentType : contentType, body });
        } catch (e) {
          if (!isMm7Error(e)) broken(`not an Mm7Error: ${(e as Error).stack}`);
          if (typeof e.status?.code !== 'number') broken('an Mm7Error without a status code');
        }
      },
    ),
};
