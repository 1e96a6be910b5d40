// WAP push over SMS: the WSP push parser and the receiver the gprs-mms plug-in feeds from its connections.
export { WAP_PUSH_ERROR_CODE, WapPushError, isWapPushError } from './errors.ts';
export { MMS_APPLICATION_ID, MMS_CONTENT_TYPE, MMS_CONTENT_TYPE_CODE } from './tables.ts';
export { isMmsPush, parseWapPush, type WapPush, type WapPushHeader, type WapPushPduType } from './wap-push.ts';
export { WAP_PUSH_PORT, WapPushReceiver, isWapPushMessage, type PushOutcome, type PushSms, type WapPushCounters } from './receiver.ts';
