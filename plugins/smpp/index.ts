// SMPP v3.4: client connections to operator SMSCs, and a server for users with SMPP login.
export { smppClient, parseSmscUrl, type SmppClientOptions } from './client/index.ts';
export { smppServer, type SmppServerOptions } from './server/index.ts';
