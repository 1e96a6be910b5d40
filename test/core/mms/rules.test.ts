// The MMS rules every intake shares: which content types pass, how big an MMS may be, and the errors an
// operator and a sender read when one is refused.
import { describe, expect, it } from 'vitest';
import { checkMms, DEFAULT_MMS_MAX_BYTES, DEFAULT_MMS_TYPES, isNowsmsError, typeAllowed, type Part } from '../../../core/index.ts';
import { resolveConfig } from '../../../core/config.ts';

const part = (contentType: string, size: number, name?: string): Part => ({ contentType, data: Buffer.alloc(size), ...(name ? { name } : {}) });
const rules = { maxBytes: 1000, allowedTypes: ['text/plain', 'image/*', 'audio/AMR'] };

function refusal(parts: Part[], r = rules) {
  try {
    checkMms(parts, r);
  } catch (e) {
    if (isNowsmsError(e)) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('typeAllowed', () => {
  it('ignores parameters and case, and takes type/* wildcards', () => {
    expect(typeAllowed('Text/Plain; charset=utf-8', rules.allowedTypes)).toBe(true);
    expect(typeAllowed('image/vnd.wap.wbmp', rules.allowedTypes)).toBe(true);
    expect(typeAllowed('audio/amr; octet-align=1', rules.allowedTypes)).toBe(true);
    expect(typeAllowed('audio/mpeg', rules.allowedTypes)).toBe(false);
    expect(typeAllowed('imagex/png', rules.allowedTypes)).toBe(false);
    expect(typeAllowed('application/x-msdownload', ['*/*'])).toBe(true);
  });

  it('lets the handset types through by default, and not executables or HTML', () => {
    for (const t of ['text/plain', 'application/smil', 'image/jpeg', 'image/gif', 'audio/amr', 'video/3gpp', 'text/x-vcard']) {
      expect(typeAllowed(t, DEFAULT_MMS_TYPES), t).toBe(true);
    }
    for (const t of ['application/x-msdownload', 'text/html', 'application/octet-stream', 'application/zip']) {
      expect(typeAllowed(t, DEFAULT_MMS_TYPES), t).toBe(false);
    }
  });
});

describe('checkMms', () => {
  it('takes an MMS up to the limit, SMIL included', () => {
    expect(() => checkMms([part('text/plain', 400), part('image/png', 400), part('image/gif', 200)], rules)).not.toThrow();
  });

  it('refuses one byte over the limit, naming the size, the limit and the key', () => {
    const e = refusal([part('text/plain', 400), part('image/png', 601)]);
    expect(e.code).toBe('NOWSMS_ERR_TOO_BIG');
    expect(e.temporary).toBe(false);
    expect(e.message).toBe('MMS too big: its parts are 1001 bytes and the limit is 1000 bytes (mms.maxBytes)');
  });

  it('refuses a part of a type outside the list, naming the type and the file', () => {
    const e = refusal([part('text/plain', 1), part('Application/X-MSDownload; name=setup.exe', 10, 'setup.exe')]);
    expect(e.code).toBe('NOWSMS_ERR_CONTENT_TYPE');
    expect(e.temporary).toBe(false);
    expect(e.message).toMatch(/^content type application\/x-msdownload \(part "setup\.exe"\) is not allowed in an MMS: .*mms\.allowedTypes/);
  });
});

describe('mms config keys', () => {
  it('default to 300 KB and the handset types', () => {
    const c = resolveConfig({}, '/tmp');
    expect(c.mms.maxBytes).toBe(307200);
    expect(DEFAULT_MMS_MAX_BYTES).toBe(307200);
    expect(c.mms.allowedTypes).toEqual(DEFAULT_MMS_TYPES);
  });

  it('refuse a type that is not one, naming the field', () => {
    expect(() => resolveConfig({ mms: { allowedTypes: ['jpeg'] } }, '/tmp')).toThrow(/mms\.allowedTypes\.0: a content type such as image\/jpeg/);
  });
});
