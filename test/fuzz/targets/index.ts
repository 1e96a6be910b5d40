// Every fuzz target, in the order `npm run fuzz` runs them.
import type { FuzzTarget } from '../target.ts';
import { atLines } from './at-lines.ts';
import { config } from './config.ts';
import { mail } from './mail.ts';
import { mm7 } from './mm7.ts';
import { mmsCodec, wapPush } from './mms.ts';
import { pop3Lines } from './pop3.ts';
import { pop3Session } from './pop3-session.ts';
import { segmentation } from './segmentation.ts';
import { smppFrames, smppReceipts } from './smpp.ts';
import { smsPduDecode, smsPduRoundTrip } from './sms-pdu.ts';

export const TARGETS: readonly FuzzTarget[] = [
  smsPduDecode,
  smsPduRoundTrip,
  segmentation,
  atLines,
  smppFrames,
  smppReceipts,
  pop3Lines,
  pop3Session,
  mail,
  mmsCodec,
  wapPush,
  mm7,
  config,
];
