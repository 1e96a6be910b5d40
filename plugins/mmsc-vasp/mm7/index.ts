// The MM7 codec (3GPP TS 23.140 SOAP over HTTP): pure functions, no I/O.
export type * from './types.ts';
export { parseMm7, readMm7, type ParseOptions, type ReadMm7 } from './parse.ts';
export { buildMm7, type BuildOptions } from './build.ts';
export { Mm7Error, isMm7Error, type Mm7Operation } from './errors.ts';
export { MM7_STATUSES, statusText, failureOf, isSuccess, type StatusInfo } from './status.ts';
export { MM7_VERSIONS, ALL_VERSIONS, isMm7Version, namespaceOf, mm7VersionValue, versionOfNamespace } from './versions.ts';
