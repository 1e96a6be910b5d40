// The public API: the only module plug-ins import.
export * from './types.ts';
export * from './errors.ts';
export { SIGNATURE_HEADER, signatureOf, verifySignature } from './signature.ts';
// The hooks a plug-in taps, never how the gateway makes or freezes them.
export { DEFAULT_HOOK_TIMEOUT_MS, SeriesHook, ParallelHook, FirstResultHook, WaterfallHook, type GatewayHooks } from './hooks.ts';
export { FOLLOW_BATCH, FOLLOW_POLL_MS, type Reactor } from './events.ts';
export type { Logger, LogLevel } from './log.ts';
export { envPort } from './env.ts';
export { defineConfig, parseOptions, type NowsmsConfig, type ResolvedConfig, type ConfigUser } from './config.ts';
export { definePlugin, CORE_API_VERSION, type NowsmsPlugin, type PluginApi } from './plugin.ts';
export type { Auth, AccountLoginContext, LoginContext, LoginRefusal, LoginRights, Service } from './auth.ts';
export { isAuthLocked } from './auth-throttle.ts';
export { normalizeAddress, matchesMask } from './address.ts';
export { newMessageId } from './ids.ts';
export { emailAddressFor, subjectFor, meaningfulSubject } from './email.ts';
export { senderFor } from './sender.ts';
export * from './codecs/index.ts';
export { textOf } from './text.ts';
export { segmentKey, segmentKeyPrefix, joinSegments, acceptSegment, flushStaleSegments } from './reassembly.ts';
export { listenOn } from './listen.ts';
export { loadCertificate, type CertificateFiles } from './tls.ts';
export { defineAdminCommand, type AdminCommand, type StreamSource, type Unsubscribe } from './admin/registry.ts';
export * from './admin/protocol.ts';
export { AdminClient, askAdmin } from './admin/client.ts';
export { adminSocketPath } from './admin/server.ts';
export { messagesTopic, type ChangeFeed } from './admin/messages-topic.ts';
export { chooseRoute, cannotCarry, DEFAULT_CARRIES, type Routable } from './routing.ts';
export * from './sms-transport.ts';
export type { ServiceMap, ServiceName } from './services.ts';
export type * from './modem-sms.ts';
export {
  serve,
  serverOptionsShape,
  refuseRenamedOptions,
  isLoopback,
  cleartextWarning,
  type ServeOptions,
  type ListenSettings,
  type Server,
  type ServerConnection,
  type ServerSession,
  type RefusalReason,
} from './serve.ts';
export { HttpDoor, noRouteSchemas } from './http-door.ts';
export { withSenderMarker, findSenderMarker } from './mms/sender-marker.ts';
export { checkMms, typeAllowed, mediaType, mmsBytes, DEFAULT_MMS_MAX_BYTES, DEFAULT_MMS_TYPES, type MmsRules } from './mms/rules.ts';
export { withSmil, smilFor, isSmil, SMIL_TYPE, SMIL_CONTENT_ID } from './mms/smil.ts';
export { addUser, setUser, removeUser, type UserFields } from './users.ts';
export { usagePeriods, usageNeeds, UsageTally, reportedStatus, reportDetail, type UserUsage } from './store-rules.ts';
