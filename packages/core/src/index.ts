/**
 * `@wxopen/core`: the framework-free core of a WeChat Open Platform third-party platform. Every public name is
 * listed here on purpose; the API report (`packages/core/api/core.api.md`) records them, and a change of surface
 * shows as a diff of that report. The adapter toolkit is in `@wxopen/core/adapter`.
 */

// ── the callback server ─────────────────────────────────────────────────────────────────────────────────
export { AuthServer } from './server/auth-server';
export type { InfoHandler } from './server/auth-server';
export { formatError } from './server/options';
export type { AuthServerOptions, CredentialOptions, ErrorContext, ErrorHook, LateReply, LateReplyHook } from './server/options';
export { MessageRouter } from './server/router';
export type { MessageContext, MessageHandler, Middleware, Next } from './server/router';
export type { BodyStream, CallbackRequest, CallbackResponse, ParsedJsonBody } from './server/http';

// ── the envelope and its primitives ─────────────────────────────────────────────────────────────────────
export { MessageEnvelope } from './envelope/envelope';
export type {
  EnvelopeOptions,
  EnvelopeSecrets,
  OpenedPush,
  OpenedReply,
  PushFormat,
  PushHead,
  PushOptions,
  QueryLike,
  SealedPush,
} from './envelope/envelope';
export { MessageCipher } from './crypto/cipher';
export type { Decrypted } from './crypto/cipher';
export { safeEqual, sign } from './crypto/signature';
export { buildXml, parseXml } from './xml';
export type { XmlInput, XmlInputValue, XmlRecord, XmlValue } from './xml';

// ── payloads: messages, events, component pushes, replies ───────────────────────────────────────────────
export { isKnownInfo, isKnownMessage, isUserMessage, toInfo, toMessage } from './messages/types';
export type {
  EventOf,
  EventType,
  InfoOf,
  InfoType,
  MessageOf,
  MessageType,
  UnknownInfo,
  UnknownMessage,
  WechatMessage,
} from './messages/types';
export type {
  ImageMessage,
  LinkMessage,
  LocationMessage,
  MessageHeader,
  MiniProgramPageMessage,
  OrdinaryMessage,
  OrdinaryMessageType,
  ShortVideoMessage,
  TextMessage,
  VideoMessage,
  VoiceMessage,
} from './messages/ordinary';
export type {
  AccountEvent,
  AppealMaterial,
  BetaAppVerifyEvent,
  ClickEvent,
  CopyrightCheckItem,
  DebugDemoEvent,
  EventHeader,
  JobEvent,
  KfSessionEvent,
  KfSwitchSessionEvent,
  LocationEvent,
  LocationSelectEvent,
  MassSendJobFinishEvent,
  MediaCheckDetail,
  MiniProgramEvent,
  PicEvent,
  PublishJobFinishEvent,
  ScanCodeEvent,
  ScanEvent,
  SentPicture,
  ServiceEvent,
  SubscribeEvent,
  SubscribeMessageEvent,
  SubscribeMsgChangeEvent,
  SubscribeMsgPopupEvent,
  SubscribeMsgSentEvent,
  SubscribePopupItem,
  TemplateSendJobFinishEvent,
  UnsubscribeEvent,
  UserAuthorizationCancellationEvent,
  UserAuthorizationRevokeEvent,
  UserEnterTempSessionEvent,
  UserInfoModifiedEvent,
  VerifyFailEvent,
  VerifySuccessEvent,
  ViewEvent,
  ViewMiniProgramEvent,
  WeappAuditDelayEvent,
  WeappAuditFailEvent,
  WeappAuditSuccessEvent,
  WechatEvent,
  WxaAppealRecordEvent,
  WxaCategoryAuditEvent,
  WxaMediaCheckEvent,
  WxaNicknameAuditEvent,
  WxaPrivacyApplyEvent,
} from './messages/events';
export type {
  ApplyIcpFilingResultInfo,
  AuthorizationInfo,
  AuthorizedInfo,
  ComponentInfo,
  ComponentVerifyTicketInfo,
  FastRegisterBetaAppInfo,
  FastRegisterData,
  FastRegisterInfo,
  FastVerifyBetaAppInfo,
  IcpFilingVerifyResultInfo,
  InfoHeader,
  PushEffects,
  QueuedAuthorization,
  UnauthorizedInfo,
  UpdateAuthorizedInfo,
  WxaAuthInfo,
  WxaNicknameAuditInfo,
  WxaWxVerifyInfo,
} from './messages/info';
export { MAX_NEWS_ARTICLES, renderReply, reply } from './messages/reply';
export type {
  HandlerResult,
  ImageReply,
  MusicReply,
  NewsArticle,
  NewsReply,
  Reply,
  ReplyTarget,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from './messages/reply';

// ── stores and locks ────────────────────────────────────────────────────────────────────────────────────
export { MemoryStore } from './store/memory';
export type { MemoryStoreOptions } from './store/memory';
export { FileStore } from './store/file';
export type { FileStoreOptions } from './store/file';
export { StoreLock } from './store/lock';
export type { StoreLockOptions } from './store/lock';
export type { Lock, LockHandle, Store } from './store/types';

// ── the credential chain ────────────────────────────────────────────────────────────────────────────────
export { ComponentCredentials } from './credentials/component';
export type { AccessTokenServer, ComponentCredentialsOptions, ExchangeOptions } from './credentials/component';
export type { PendingAuthorization } from './credentials/outbox';
export { credentialKeys } from './credentials/keys';
export type { CredentialKeys } from './credentials/keys';
export { cacheTtlMs } from './credentials/token-cache';
export type { CachedToken } from './credentials/token-cache';
export type { AuthorizationUrlOptions } from './credentials/auth-url';

// ── the WeChat API ──────────────────────────────────────────────────────────────────────────────────────
export { ApiTransport, DEFAULT_API_BASE } from './api/transport';
export type {
  ApiRequest,
  ApiResponse,
  ApiTransportOptions,
  BinaryResponse,
  BodyStreamLike,
  CallOptions,
  FetchInit,
  FetchLike,
  FetchResponseLike,
  Query,
} from './api/transport';
export { Client } from './api/client';
export type { TokenSource } from './api/client';
export type { ApiHooks } from './api/hooks';
export {
  COMPONENT_API,
  clearComponentQuota,
  createPreAuthCode,
  getAuthorizerInfo,
  getAuthorizerList,
  getAuthorizerOption,
  queryAuth,
  sendCustomMessage,
  setAuthorizerOption,
} from './api/component';
export type {
  AuthorizerAuthorizationInfo,
  AuthorizerInfo,
  AuthorizerInfoResponse,
  AuthorizerListItem,
  AuthorizerListResponse,
  AuthorizerOption,
  AuthorizerOptionName,
  CustomMessage,
  FuncInfo,
  PreAuthCode,
} from './api/component';
export {
  ErrCodeAccessTokenExpired,
  ErrCodeAccessTokenMissing,
  ErrCodeApiUnauthorized,
  ErrCodeApiUnauthorizedToComponent,
  ErrCodeAppSecretMissing,
  ErrCodeAuthCodeExpired,
  ErrCodeAuthCodeInvalid,
  ErrCodeClientIpNotRegistered,
  ErrCodeComponentUnauthorized,
  ErrCodeComponentUnpublished,
  ErrCodeInvalidAccessToken,
  ErrCodeInvalidAppId,
  ErrCodeInvalidAppSecret,
  ErrCodeInvalidComponent,
  ErrCodeInvalidCredential,
  ErrCodeOK,
  ErrCodeQuotaExceeded,
  ErrCodeRefreshTokenExpired,
  ErrCodeRefreshTokenInvalid,
  ErrCodeSystemBusy,
  ErrCodeTicketExpired,
  ErrCodeTicketInvalid,
  ErrCodeTokensInvalidated,
} from './api/errcode';

// ── errors ──────────────────────────────────────────────────────────────────────────────────────────────
export { WechatApiError, WxOpenError, isWxOpenError } from './errors';
export type { CallbackErrorCode, CredentialErrorCode, WxOpenErrorCode, WxOpenErrorOptions } from './errors';
