// The SMIL presentation generated for an MMS without one, read back with an XML parser as a phone would.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { withSmil, type Part } from '../../../core/index.ts';

const p = (contentType: string, extra: Partial<Part> = {}): Part => ({ contentType, data: Buffer.from(contentType), ...extra });

interface Media {
  '@_src': string;
  '@_region'?: string;
}
interface Par {
  '@_dur'?: string;
  img?: Media;
  video?: Media;
  text?: Media;
  audio?: Media;
  ref?: Media | Media[];
}

function read(parts: Part[]) {
  const smil = parts.at(-1)!;
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'par' || name === 'region' }).parse(smil.data.toString('utf8')) as {
    smil: { head: { layout: { 'root-layout': unknown; region: Array<{ '@_id': string }> } }; body: { par: Par[] } };
  };
  return { smil, doc: doc.smil, pars: doc.smil.body.par };
}

describe('withSmil', () => {
  it('makes one slide per image, audio or video, the text on the first, and refers to every part by cid', () => {
    const parts = withSmil([
      p('text/plain; charset=utf-8'),
      p('image/jpeg', { name: 'photo.jpg' }),
      p('image/gif', { contentId: '<logo@mail>' }),
      p('audio/amr'),
      p('video/3gpp'),
    ]);
    const { smil, doc, pars } = read(parts);
    expect(parts).toHaveLength(6);
    expect(smil).toMatchObject({ contentType: 'application/smil', contentId: 'smil', name: 'smil.smil' });
    expect(doc.head.layout['root-layout']).toBeDefined();
    expect(doc.head.layout.region.map((r) => r['@_id'])).toEqual(['Image', 'Text']);
    expect(parts.slice(0, 5).map((x) => x.contentId)).toEqual(['text1', 'image1', '<logo@mail>', 'audio1', 'video1']);
    expect(pars).toEqual([
      { '@_dur': '5000ms', img: { '@_src': 'cid:image1', '@_region': 'Image' }, text: { '@_src': 'cid:text1', '@_region': 'Text' } },
      { '@_dur': '5000ms', img: { '@_src': 'cid:logo@mail', '@_region': 'Image' } },
      // Audio and video play to their end: no fixed duration.
      { audio: { '@_src': 'cid:audio1' } },
      { video: { '@_src': 'cid:video1', '@_region': 'Image' } },
    ]);
    // The parts keep their bytes and order; only a Content-ID is added where there was none.
    expect(parts[1]).toMatchObject({ contentType: 'image/jpeg', name: 'photo.jpg', data: Buffer.from('image/jpeg') });
  });

  it('puts a text alone on one slide, and a vCard on the first slide as a ref', () => {
    const { pars } = read(withSmil([p('text/plain'), p('text/x-vcard')]));
    expect(pars).toEqual([{ '@_dur': '5000ms', text: { '@_src': 'cid:text1', '@_region': 'Text' }, ref: { '@_src': 'cid:part1' } }]);
  });

  it('keeps an MMS that has its own SMIL as it is', () => {
    const parts = [p('application/smil; charset=utf-8', { contentId: 'pres' }), p('image/png')];
    expect(withSmil(parts)).toEqual(parts);
  });

  it('adds nothing to an MMS with no parts', () => {
    expect(withSmil([])).toEqual([]);
  });

  it('never reuses a Content-ID a part already has, and escapes one for XML', () => {
    const parts = withSmil([
      p('image/png', { contentId: 'image1' }),
      p('image/png'),
      p('text/plain', { contentId: 'smil' }),
      p('image/gif', { contentId: 'x"&<y' }),
    ]);
    expect(parts.map((x) => x.contentId)).toEqual(['image1', 'image2', 'smil', 'x"&<y', 'smil1']);
    const { pars } = read(parts);
    expect(pars.map((x) => x.img?.['@_src'])).toEqual(['cid:image1', 'cid:image2', 'cid:x"&<y']);
  });
});
