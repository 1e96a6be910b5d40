export * from './gsm7.ts';
export * from './ucs2.ts';
export * from './segment.ts';
export * from './pdu/index.ts';
export * from './mms/index.ts';
