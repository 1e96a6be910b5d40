// XML for the simulator: fast-xml-parser reads the text (elements in document order), and this file resolves
// namespaces itself (Namespaces in XML 1.0), so elements are matched by namespace URI and local name whatever
// prefix the sender chose, and an undeclared prefix is an error, as it is for any namespace-aware SOAP stack.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** The name as written (`mm7:SubmitReq`). */
  name: string;
  local: string;
  /** The namespace URI, undefined for an element in no namespace. */
  ns: string | undefined;
  /** Attributes by name as written (`env:mustUnderstand`), and by `{uri}local` for prefixed ones. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's), trimmed. */
  text: string;
}

export class XmlError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded here (the five predefined and character references, in one pass): fast-xml-parser
  // leaves &#233; undecoded, and decoding after it would decode &amp;#233; twice.
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = Record<string, unknown>;

/** Parse a whole document to its root element. SOAP 1.1 §3 forbids a DTD, so one is refused (no entity expansion). */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new XmlError('XML with a DOCTYPE (SOAP 1.1 forbids a DTD in a message)');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`XML not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  const roots = (parser.parse(text) as Node[]).filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1) throw new XmlError(`XML with ${roots.length} root elements`);
  return resolve(roots[0]!, { xml: 'http://www.w3.org/XML/1998/namespace' });
}

function elementName(n: Node): string | undefined {
  return Object.keys(n).find((k) => k !== ':@' && k !== '#text' && k !== '#comment' && k !== '#cdata');
}

function resolve(n: Node, scope: Record<string, string>): XmlElement {
  const name = elementName(n)!;
  const raw = (n[':@'] ?? {}) as Record<string, string>;
  const inner: Record<string, string> = { ...scope };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'xmlns') inner[''] = v;
    else if (k.startsWith('xmlns:')) inner[k.slice(6)] = v;
  }
  const [prefix, local] = split(name);
  const ns = prefix === '' ? inner[''] || undefined : inner[prefix];
  if (prefix !== '' && ns === undefined) throw new XmlError(`undeclared namespace prefix "${prefix}" on <${name}>`);
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    attrs[k] = decodeEntities(v);
    const [p, l] = split(k);
    if (p === '' || p === 'xmlns' || k === 'xmlns') continue;
    if (inner[p] === undefined) throw new XmlError(`undeclared namespace prefix "${p}" on attribute ${k}`);
    attrs[`{${inner[p]}}${l}`] = attrs[k]!;
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const c of (n[name] ?? []) as Node[]) {
    if (typeof c['#text'] === 'string') text += decodeEntities(c['#text']);
    else if (Array.isArray(c['#cdata'])) text += (c['#cdata'] as Node[]).map((t) => String(t['#text'] ?? '')).join('');
    else if (elementName(c) !== undefined) children.push(resolve(c, inner));
  }
  return { name, local, ns, attrs, children, text: text.trim() };
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&([^;&\s]*);?/g, (all, name: string) => {
    if (!all.endsWith(';')) throw new XmlError(`a bare "&" in text ("${all}")`);
    const hex = /^#x([0-9a-fA-F]+)$/.exec(name);
    const dec = /^#([0-9]+)$/.exec(name);
    if (hex || dec) {
      const cp = hex ? parseInt(hex[1]!, 16) : Number(dec![1]);
      if (cp > 0x10ffff || cp === 0) throw new XmlError(`character reference ${all} is not a character`);
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[name];
    if (v === undefined) throw new XmlError(`undeclared entity ${all}`);
    return v;
  });
}

function split(name: string): [string, string] {
  const i = name.indexOf(':');
  return i < 0 ? ['', name] : [name.slice(0, i), name.slice(i + 1)];
}

/** Children with this local name (any namespace: callers check the namespace where it matters). */
export function kids(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

export function kid(el: XmlElement | undefined, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local);
}

/** Text of a child (or of a path of children), undefined when absent. */
export function textAt(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = kid(cur, p);
  return cur?.text;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
