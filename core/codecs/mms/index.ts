export { decodeMms, address as mmsAddress } from './decode.ts';
export { encodeMms, type MmsPduInput, type MmsPartInput } from './encode.ts';
export { MmsError, isMmsError, type MmsErrorDetails } from './errors.ts';
export { decodeText as decodeMmsText } from './charset.ts';
export { WspReader } from './reader.ts';
export { MESSAGE_TYPES as MMS_MESSAGE_TYPES, wspContentType } from './tables.ts';
export {
  responseStatusClass,
  type MmsAddress,
  type MmsContentType,
  type MmsCounts,
  type OctetValue,
  type MmsMessageType,
  type MmsPart,
  type MmsPdu,
  type MmsTime,
  type RawHeader,
} from './types.ts';
export { isTextPart as isMmsTextPart, mmsFromJson, mmsToJson } from './json.ts';
export { toMessageParts } from './parts.ts';
