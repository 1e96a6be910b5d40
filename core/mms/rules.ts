// What an MMS may carry, the same for every intake (SMTP, MM7 SubmitReq, ...): the total size of its parts
// and the content types of each. Checked in the pipeline for MT MMS, so every intake refuses alike.
import { NowsmsError } from '../errors.ts';
import type { Part } from '../types.ts';

/** Most operators' MMSCs take 300 KB; so does a phone's MMS settings by default. */
export const DEFAULT_MMS_MAX_BYTES = 300 * 1024;

/**
 * The types handsets take: OMA MMS conformance (MMS-CONF) content classes text, image basic/rich,
 * video basic/rich and the audio phones play, plus vCard/vCalendar and the SMIL presentation itself;
 * and the spellings e-mail clients and phones use for the same (image/jpg, audio/mp3, audio/mid), as
 * Android's MMS stack takes them.
 */
export const DEFAULT_MMS_TYPES: readonly string[] = [
  'text/plain',
  'text/x-vcard',
  'text/vcard',
  'text/x-vcalendar',
  'text/calendar',
  'application/smil',
  'image/jpeg',
  'image/jpg',
  'image/gif',
  'image/png',
  'image/bmp',
  'image/vnd.wap.wbmp',
  'image/webp',
  'audio/amr',
  'audio/amr-wb',
  'audio/mpeg',
  'audio/mp3',
  'audio/mp4',
  'audio/aac',
  'audio/3gpp',
  'audio/midi',
  'audio/mid',
  'audio/sp-midi',
  'audio/wav',
  'audio/x-wav',
  'video/3gpp',
  'video/3gpp2',
  'video/mp4',
];

export interface MmsRules {
  maxBytes: number;
  /** Content types (`image/jpeg`) or wildcards (`image/*`, `*\/*`); parameters and case do not matter. */
  allowedTypes: readonly string[];
}

/** `Image/JPEG; name=x.jpg` -> `image/jpeg`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
}

export function typeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const type = mediaType(contentType);
  const top = type.split('/', 1)[0];
  return allowed.some((a) => {
    const rule = mediaType(a);
    return rule === type || rule === '*/*' || rule === '*' || (rule.endsWith('/*') && rule.slice(0, -2) === top);
  });
}

export function mmsBytes(parts: readonly Part[]): number {
  return parts.reduce((n, p) => n + p.data.length, 0);
}

/** Throws NOWSMS_ERR_CONTENT_TYPE or NOWSMS_ERR_TOO_BIG (both permanent) for an MMS the rules refuse. */
export function checkMms(parts: readonly Part[], rules: MmsRules): void {
  for (const part of parts) {
    if (typeAllowed(part.contentType, rules.allowedTypes)) continue;
    const what = part.name ? ` (part ${JSON.stringify(part.name)})` : '';
    throw new NowsmsError(
      'NOWSMS_ERR_CONTENT_TYPE',
      `content type ${mediaType(part.contentType) || '(none)'}${what} is not allowed in an MMS: send it as one of the types in mms.allowedTypes, or add it there`,
    );
  }
  const size = mmsBytes(parts);
  if (size > rules.maxBytes) {
    throw new NowsmsError('NOWSMS_ERR_TOO_BIG', `MMS too big: its parts are ${size} bytes and the limit is ${rules.maxBytes} bytes (mms.maxBytes)`);
  }
}
