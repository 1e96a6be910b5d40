// The mmsc-vasp plug-in: MMS over MM7 (3GPP TS 23.140) with operator MMSCs and content providers.
export { mm7Server, parseMm7Accounts, type Mm7ServerOptions } from './server/index.ts';
