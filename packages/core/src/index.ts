/**
 * `@wxopen/core`: the framework-free core of a WeChat Open Platform third-party platform. Every public name is
 * listed here on purpose; the API report (`packages/core/api/core.api.md`) records them, and a change of surface
 * shows as a diff of that report. The adapter toolkit is in `@wxopen/core/adapter`.
 */

// ── the callback server ─────────────────────────────────────────────────────────────────────────────────
export { AuthServer } from './server/auth-server';
export type { HealthReport, InfoHandler } from './server/auth-server';
export type { DeliveryMemory } from './delivery/deliveries';
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
export type { AccessTokenServer, ComponentCredentialsOptions, CredentialStatus, ExchangeOptions } from './credentials/component';
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
  UploadFile,
  UploadForm,
} from './api/transport';
export { Client } from './api/client';
export { MEDIA_API, uploadAuditMedia, uploadPrivacyExtFile, uploadTempMedia } from './api/media';
export type { AuditMediaResponse, TempMediaResponse, TempMediaType } from './api/media';
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

// ── observability ───────────────────────────────────────────────────────────────────────────────────────
export { CHANNELS, subscribe } from './observe/channels';
export type {
  ApiEvent,
  CallbackEvent,
  ChannelName,
  OutboxEvent,
  StoreEvent,
  TicketEvent,
  TokenEvent,
  WxOpenChannels,
} from './observe/channels';

// ── on behalf of authorizers: OAuth, JS-SDK, mini-program management, registration, quotas ───────────────
export {
  ErrCodeAlreadyReleased,
  ErrCodeAuditAlreadySpedUp,
  ErrCodeAuditInProgress,
  ErrCodeAuditItemCount,
  ErrCodeAuditNotApproved,
  ErrCodeAuditNotPending,
  ErrCodeAuditPagePath,
  ErrCodeAuditQuotaExceeded,
  ErrCodeBasicInfoMissing,
  ErrCodeCannotRevert,
  ErrCodeClearQuotaLimit,
  ErrCodeCodeCheckPending,
  ErrCodeCodeExpired,
  ErrCodeCodeUsed,
  ErrCodeCommitBeforeAudit,
  ErrCodeDomainNotOnPlatform,
  ErrCodeExtJsonUnparsable,
  ErrCodeGrayPercentageTooLow,
  ErrCodeGrayReleaseRunning,
  ErrCodeInvalidAction,
  ErrCodeInvalidArgs,
  ErrCodeInvalidAuditId,
  ErrCodeInvalidCode,
  ErrCodeInvalidCodeType,
  ErrCodeInvalidExtJson,
  ErrCodeInvalidGrayPercentage,
  ErrCodeInvalidOAuthRefreshToken,
  ErrCodeInvalidOpenId,
  ErrCodeInvalidPrivacyKey,
  ErrCodeInvalidTaskId,
  ErrCodeInvalidTemplateId,
  ErrCodeInvalidWechatId,
  ErrCodeMinuteQuota,
  ErrCodeNoAuditedVersion,
  ErrCodeNoCommittedCode,
  ErrCodeNoNewDomain,
  ErrCodeNoReleasedVersion,
  ErrCodeNoValidAudit,
  ErrCodeNotThirdParty,
  ErrCodeOpenAlreadyBound,
  ErrCodeOpenBindLimit,
  ErrCodeOpenNotBound,
  ErrCodeOpenNotCreatedByApi,
  ErrCodeOpenPrincipalMismatch,
  ErrCodeRegistrationNotFound,
  ErrCodeRegistrationRunning,
  ErrCodeReleaseNotAllowed,
  ErrCodeSpeedupQuotaExceeded,
  ErrCodeTemplateLibraryFull,
  ErrCodeTemplateNotFound,
  ErrCodeTesterAlreadyBound,
  ErrCodeTesterLimit,
  ErrCodeTesterNotFound,
  ErrCodeTesterUserLimit,
  ErrCodeUndoAuditLimit,
  ErrCodeVisitStatusUnchanged,
  ErrCodeWebviewDomainLimit,
  ErrCodeWebviewDomainNotConfigured,
  ErrCodeWebviewDomainNotOnPlatform,
  ErrCodeWebviewDomainPersonal,
  ErrCodeWebviewDomainUnchanged,
} from './api/platform-errcode';
export {
  OAUTH_API,
  OAUTH_AUTHORIZE_URL,
  OAuthOnBehalf,
  exchangeOAuthCode,
  getOAuthUserInfo,
  oauthAuthorizeUrl,
  refreshOAuthToken,
} from './api/oauth';
export type { OAuthAccessToken, OAuthAuthorizeUrlOptions, OAuthScope, OAuthUserInfo } from './api/oauth';
export { JSSDK_API, cardSignature, getJsTicket, jsApiSignature, randomNonceStr } from './api/jssdk';
export type { JsApiSignature, JsTicketResponse, JsTicketType } from './api/jssdk';
export { SESSION_API, jscode2session } from './api/miniprogram/session';
export type { Code2SessionResponse } from './api/miniprogram/session';
export {
  AuditStatus,
  CODE_API,
  changeVisitStatus,
  commit,
  getAuditStatus,
  getCategory,
  getGrayReleasePlan,
  getHistoryVersions,
  getLatestAuditStatus,
  getPage,
  getVersionInfo,
  grayRelease,
  queryAuditQuota,
  release,
  revertCodeRelease,
  revertGrayRelease,
  speedupAudit,
  submitAudit,
  undoCodeAudit,
} from './api/miniprogram/code';
export type {
  AuditCategory,
  AuditItem,
  AuditQuotaResponse,
  AuditStatusCode,
  AuditStatusResponse,
  CommitRequest,
  GrayReleasePlanResponse,
  GrayReleaseRequest,
  HistoryVersion,
  LatestAuditStatusResponse,
  PageListResponse,
  SubmitAuditRequest,
  SubmitAuditResponse,
  UgcDeclare,
  VersionInfoResponse,
} from './api/miniprogram/code';
export { getTrialQrcode } from './api/miniprogram/qrcode';
export {
  DOMAIN_API,
  getEffectiveDomain,
  getEffectiveWebviewDomain,
  modifyDomain,
  modifyDomainDirectly,
  setWebviewDomain,
  setWebviewDomainDirectly,
} from './api/miniprogram/domain';
export type {
  DomainAction,
  EffectiveDomainResponse,
  EffectiveWebviewDomainResponse,
  ModifyDomainRequest,
  ModifyDomainResponse,
  ServerDomains,
  WebviewDomainResponse,
} from './api/miniprogram/domain';
export { TESTER_API, bindTester, listTesters, unbindTester } from './api/miniprogram/tester';
export {
  BASIC_INFO_API,
  checkNickname,
  getAccountBasicInfo,
  modifyHeadImage,
  modifySignature,
  queryNickname,
  setNickname,
} from './api/miniprogram/basic-info';
export type { AccountBasicInfo, ModifiableField, NicknameAuditResponse, SetNicknameRequest, SetNicknameResponse } from './api/miniprogram/basic-info';
export { PRIVACY_API, getPrivacySetting, setPrivacySetting } from './api/miniprogram/privacy';
export type { PrivacyOwnerSetting, PrivacySettingItem, PrivacySettingResponse, SetPrivacySettingRequest } from './api/miniprogram/privacy';
export { MiniProgramApi } from './api/miniprogram/api';
export {
  TEMPLATE_API,
  addToTemplate,
  asAccessTokenParam,
  deleteTemplate,
  getTemplateDraftList,
  getTemplateList,
} from './api/templates';
export type { CodeTemplate, TemplateDraft, TemplateType } from './api/templates';
export {
  REGISTER_API,
  fastRegisterBeta,
  fastRegisterEnterprise,
  fastRegisterPersonal,
  queryFastRegisterPersonal,
  searchFastRegisterEnterprise,
} from './api/register';
export type { FastRegisterEnterpriseRequest, FastRegisterPersonalResponse, PrincipalCodeType } from './api/register';
export { OPEN_ACCOUNT_API, bindOpenAccount, createOpenAccount, getOpenAccount, hasOpenAccount, unbindOpenAccount } from './api/open-account';
export { QUOTA_API, clearAuthorizerQuota, clearQuotaByAppSecret, getApiQuota } from './api/quota';
export type { ApiQuotaResponse } from './api/quota';
export { AUTHORIZER_OPTION_API, getOwnAuthorizerOption, setOwnAuthorizerOption } from './api/authorizer-options';
export { listAllAuthorizers } from './api/authorizers';
export { JsTicketCache, jsTicketKeys } from './credentials/js-tickets';
export type { JsTicketKeys } from './credentials/js-tickets';
export { OAUTH_STATE_MAX_DATA, OAuthStateSigner } from './credentials/oauth-state';
export type { OAuthStateOptions, VerifiedOAuthState } from './credentials/oauth-state';

// ── mini-program releases at scale ──────────────────────────────────────────────────────────────────────
export { ReleaseRunner, summarize } from './release/runner';
export { renderReleaseProgress, renderReleaseTable } from './release/render';
export type { ProgressRenderOptions, TableRenderOptions } from './release/render';
export { FINAL_STATES, RELEASE_STATES } from './release/types';
export type {
  AccountRecord,
  AuditPush,
  ReleaseEvent,
  ReleaseJob,
  ReleaseRunnerOptions,
  ReleaseState,
  ReleaseSummary,
  ReleaseTargets,
  RunOptions,
  StateCounts,
} from './release/types';

// ── errors ──────────────────────────────────────────────────────────────────────────────────────────────
export { WechatApiError, WxOpenError, isWxOpenError } from './errors';
export type { CallbackErrorCode, CredentialErrorCode, WxOpenErrorCode, WxOpenErrorOptions } from './errors';
