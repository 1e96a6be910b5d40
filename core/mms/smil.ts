// A SMIL presentation for an MMS that has none, as handsets expect it (OMA MMS conformance, MMS-CONF: one
// root-layout, the regions "Image" and "Text", a <par> per slide holding at most one image or video, one
// text and one audio, media named by `cid:`). Phones that get an MMS without SMIL show its parts in an
// order of their own, or not at all: the generated one keeps the sender's order.
import type { Part } from '../types.ts';
import { mediaType } from './rules.ts';

export const SMIL_TYPE = 'application/smil';
/** The Content-ID the generated presentation gets (an MM7 or MMS encoder names it as the `start` part). */
export const SMIL_CONTENT_ID = 'smil';
/** How long a slide without audio or video shows; with them, the slide lasts as long as they play. */
const SLIDE_MS = 5000;

export function isSmil(part: Pick<Part, 'contentType'>): boolean {
  return mediaType(part.contentType) === SMIL_TYPE;
}

type Role = 'img' | 'video' | 'audio' | 'text' | 'ref';

function roleOf(part: Part): Role {
  const type = mediaType(part.contentType);
  if (type === 'text/plain') return 'text';
  const top = type.split('/', 1)[0];
  if (top === 'image') return 'img';
  if (top === 'video') return 'video';
  if (top === 'audio') return 'audio';
  return 'ref';
}

const bare = (cid: string) => cid.replace(/^<|>$/g, '');

/**
 * The parts as they are when one of them is a SMIL presentation; otherwise the parts, those without a
 * Content-ID given one (`text1`, `image1`, ...), and a generated presentation last (Content-ID `smil`).
 * No parts, no presentation.
 */
export function withSmil(parts: readonly Part[]): Part[] {
  if (parts.length === 0 || parts.some(isSmil)) return [...parts];
  const taken = new Set(parts.flatMap((p) => (p.contentId ? [bare(p.contentId).toLowerCase()] : [])));
  const counters = new Map<string, number>();
  const fresh = (stem: string) => {
    for (;;) {
      const n = (counters.get(stem) ?? 0) + 1;
      counters.set(stem, n);
      const id = `${stem}${n}`;
      if (!taken.has(id)) {
        taken.add(id);
        return id;
      }
    }
  };
  const stems: Record<Role, string> = { img: 'image', video: 'video', audio: 'audio', text: 'text', ref: 'part' };
  const named = parts.map((p) => (p.contentId ? p : { ...p, contentId: fresh(stems[roleOf(p)]) }));
  const smilId = taken.has(SMIL_CONTENT_ID) ? fresh(SMIL_CONTENT_ID) : SMIL_CONTENT_ID;
  return [...named, { contentType: SMIL_TYPE, contentId: smilId, name: `${smilId}.smil`, data: Buffer.from(smilFor(named), 'utf8') }];
}

interface Slide {
  visual?: Part;
  audio?: Part;
  text?: Part;
  refs: Part[];
}

/** The presentation of parts that all have a Content-ID: one slide per image, video or audio, the texts in order from the first slide. */
export function smilFor(parts: readonly Part[]): string {
  const slides: Slide[] = [];
  const texts: Part[] = [];
  const refs: Part[] = [];
  for (const part of parts) {
    const role = roleOf(part);
    if (role === 'img' || role === 'video') slides.push({ visual: part, refs: [] });
    else if (role === 'audio') slides.push({ audio: part, refs: [] });
    else if (role === 'text') texts.push(part);
    else if (!isSmil(part)) refs.push(part);
  }
  texts.forEach((text, i) => {
    if (slides[i]) slides[i].text = text;
    else slides.push({ text, refs: [] });
  });
  if (refs.length > 0) {
    if (slides.length === 0) slides.push({ refs: [] });
    slides[0]!.refs.push(...refs);
  }
  const src = (p: Part) => attr(`cid:${bare(p.contentId ?? '')}`);
  const lines = [
    '<smil>',
    '<head>',
    '<layout>',
    '<root-layout width="100%" height="100%"/>',
    '<region id="Image" left="0%" top="0%" width="100%" height="80%" fit="meet"/>',
    '<region id="Text" left="0%" top="80%" width="100%" height="20%" fit="scroll"/>',
    '</layout>',
    '</head>',
    '<body>',
  ];
  for (const s of slides) {
    const timed = s.audio !== undefined || mediaType(s.visual?.contentType ?? '').startsWith('video/');
    lines.push(timed ? '<par>' : `<par dur="${SLIDE_MS}ms">`);
    if (s.visual) lines.push(`<${roleOf(s.visual)} src="${src(s.visual)}" region="Image"/>`);
    if (s.text) lines.push(`<text src="${src(s.text)}" region="Text"/>`);
    if (s.audio) lines.push(`<audio src="${src(s.audio)}"/>`);
    for (const r of s.refs) lines.push(`<ref src="${src(r)}"/>`);
    lines.push('</par>');
  }
  lines.push('</body>', '</smil>', '');
  return lines.join('\n');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function attr(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
