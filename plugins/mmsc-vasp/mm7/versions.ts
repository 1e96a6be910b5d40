// The MM7 schema releases: each has its own XML namespace, and the MM7Version element names the version of
// TS 23.140 the sender follows. No spec table ties the two; the values below are the ones deployed MMSCs send
// with each namespace (REL-5 schemas all carry 5.3.0, the value the REL-5 schemas were written for; REL-6:
// 6.3.0 with REL-6-MM7-1-0, 6.5.0 with REL-6-MM7-1-2, 6.8.0 with REL-6-MM7-1-4 as in the Sinch examples;
// REL-6-MM7-1-1 and -1-3 take the TS 23.140 versions between them). The parser reads any MM7Version.
import type { Mm7Version } from './types.ts';

export const SCHEMA_BASE = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/';
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

export const MM7_VERSIONS: Readonly<Record<Mm7Version, string>> = {
  'REL-5-MM7-1-0': '5.3.0',
  'REL-5-MM7-1-1': '5.3.0',
  'REL-5-MM7-1-2': '5.3.0',
  'REL-5-MM7-1-3': '5.3.0',
  'REL-6-MM7-1-0': '6.3.0',
  'REL-6-MM7-1-1': '6.4.0',
  'REL-6-MM7-1-2': '6.5.0',
  'REL-6-MM7-1-3': '6.7.0',
  'REL-6-MM7-1-4': '6.8.0',
};

export const ALL_VERSIONS = Object.keys(MM7_VERSIONS) as Mm7Version[];

export function isMm7Version(v: string): v is Mm7Version {
  return Object.hasOwn(MM7_VERSIONS, v);
}

/** The XML namespace of a schema release. */
export function namespaceOf(version: Mm7Version): string {
  return SCHEMA_BASE + version;
}

/** The MM7Version element value we write for a schema release. */
export function mm7VersionValue(version: Mm7Version): string {
  return MM7_VERSIONS[version];
}

/** The schema release of a namespace URI (http or https, any case, trailing slash or `.xsd` tolerated). */
export function versionOfNamespace(ns: string): Mm7Version | undefined {
  const m = /\/23\.140\/schema\/(REL-\d+-MM7-\d+-\d+)(?:\.xsd)?\/?$/i.exec(ns.trim());
  if (!m) return undefined;
  const v = m[1]!.toUpperCase();
  return isMm7Version(v) ? v : undefined;
}

/** Whether a namespace URI claims to be a TS 23.140 MM7 schema (known release or not). */
export function isMm7Namespace(ns: string): boolean {
  return /\/23\.140\/schema\/REL-/i.test(ns);
}
