// The SOAP XML as plain objects: fast-xml-parser with namespace prefixes removed, element and attribute
// names in lower case (MMSCs disagree on prefixes and, now and then, on case), entities decoded by us in
// one pass (the five XML ones and character references: no DOCTYPE is ever read, so no other entity can
// exist, and nothing expands).
import { createRequire } from 'node:module';
import type { XMLParser } from 'fast-xml-parser';

export type XValue = string | XNode | XValue[];
export interface XNode {
  [key: string]: XValue;
}

// Loaded at the first MM7 request, not with the plug-in: a gateway that never speaks MM7 keeps its memory.
let parser: XMLParser | undefined;
const newParser = () =>
  new (createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser')).XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });

/** true when the text carries a DOCTYPE or an ENTITY declaration: refused before any parsing. */
export function hasDeclarations(xml: string): boolean {
  return /<!\s*(?:DOCTYPE|ENTITY)/i.test(xml);
}

/** Parses XML into lower-cased, prefix-free objects. Throws on what fast-xml-parser cannot read. */
export function parseXml(xml: string): XNode {
  const raw = (parser ??= newParser()).parse(xml) as unknown;
  const node = normalize(raw);
  return typeof node === 'object' && !Array.isArray(node) ? node : {};
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-f]{1,6}));/gi;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (whole, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name) return NAMED[name.toLowerCase()] ?? whole;
    const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

function localName(key: string): string {
  // "soap-env::Header" (a published Sinch example) has two colons: the name is after the last one.
  return key.slice(key.lastIndexOf(':') + 1).toLowerCase();
}

function normalize(v: unknown): XValue {
  if (typeof v === 'string') return decodeEntities(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const out: XNode = {};
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      const k = key === '#text' ? key : key.startsWith('@_') ? `@_${localName(key.slice(2))}` : localName(key);
      if (k.startsWith('@_xmlns') || key.startsWith('@_xmlns')) continue;
      const n = normalize(value);
      const prev = out[k];
      out[k] = prev === undefined ? n : ([] as XValue[]).concat(prev, n);
    }
    return out;
  }
  return '';
}

/** Every value of a child element (an element repeated becomes an array in the parse). */
export function all(node: XValue | undefined, name: string): XValue[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The first value of a child element. */
export function child(node: XValue | undefined, name: string): XValue | undefined {
  return all(node, name)[0];
}

/** The text of an element (its #text when it also has attributes); undefined when it is absent. */
export function textOf(v: XValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return textOf(v[0]);
  const t = v['#text'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string').join('');
  return Object.keys(v).some((k) => !k.startsWith('@_')) ? undefined : '';
}

/** The trimmed text of a child element, undefined when absent or empty. */
export function childText(node: XValue | undefined, name: string): string | undefined {
  const t = textOf(child(node, name))?.trim();
  return t === '' ? undefined : t;
}

export function attr(v: XValue | undefined, name: string): string | undefined {
  if (v === undefined || typeof v === 'string') return undefined;
  if (Array.isArray(v)) return attr(v[0], name);
  const a = v[`@_${name}`];
  return typeof a === 'string' ? a : undefined;
}

/** The child element names in document order (attributes and text left out). */
export function elementNames(node: XValue | undefined): string[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  return Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text');
}

/** The namespace URIs declared anywhere in the text (xmlns and xmlns:prefix). */
export function declaredNamespaces(xml: string): string[] {
  const out: string[] = [];
  const re = /\bxmlns(?::[\w.-]+)?\s*=\s*(["'])(.*?)\1/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) out.push(decodeEntities(m[2]!));
  return out;
}

const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** Text or attribute value for XML: markup characters escaped, characters XML 1.0 cannot carry dropped. */
export function escapeXml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[<>&"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}
