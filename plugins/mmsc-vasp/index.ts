// mmsc-vasp: MMS over MM7 (3GPP TS 23.140) with operator MMSCs and VASPs (see README.md).
export { mm7Client, parseMmscUrl, type Mm7ClientOptions } from './client/index.ts';
export { mm7Server, parseMm7Accounts, type Mm7ServerOptions } from './server/index.ts';
