// MM1 test peers for the gprs-mms plug-in: an operator MMSC over HTTP and the WAP proxy in front of it.
export {
  MMS_MESSAGE_TYPE,
  Mm1Mmsc,
  RETRIEVE_MESSAGE_NOT_FOUND,
  type HeldMms,
  type HoldOptions,
  type Mm1Answer,
  type Mm1MmscOptions,
  type Mm1Request,
  type NotifyResp,
  type SentMms,
} from './mmsc.ts';
export { HttpProxy, type HttpProxyOptions, type ProxyRefusal, type ProxyRequest } from './proxy.ts';
export { WAP_PUSH_DESTINATION_PORT, WAP_PUSH_SOURCE_PORT, pushSms, wspMmsPush, type PushSms, type PushSmsOptions } from './push-sms.ts';
