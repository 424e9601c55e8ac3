export * from './errcode';
export type { ApiHooks } from './hooks';
export * from './transport';
export * from './client';
export * from './component';

// On-behalf APIs: explicit exports, so a name added to a module never leaks into the package by accident.
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
} from './platform-errcode';
export {
  OAUTH_API,
  OAUTH_AUTHORIZE_URL,
  OAuthOnBehalf,
  exchangeOAuthCode,
  getOAuthUserInfo,
  oauthAuthorizeUrl,
  refreshOAuthToken,
} from './oauth';
export type { OAuthAccessToken, OAuthAuthorizeUrlOptions, OAuthScope, OAuthUserInfo } from './oauth';
export { JSSDK_API, cardSignature, getJsTicket, jsApiSignature, randomNonceStr } from './jssdk';
export type { JsApiSignature, JsTicketResponse, JsTicketType } from './jssdk';
export { SESSION_API, jscode2session } from './miniprogram/session';
export type { Code2SessionResponse } from './miniprogram/session';
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
} from './miniprogram/code';
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
  UgcDeclare,
  VersionInfoResponse,
} from './miniprogram/code';
export { createBytesClient, getTrialQrcode } from './miniprogram/qrcode';
export type { BinaryResponse, BytesClient, BytesClientOptions, BytesFetch } from './miniprogram/qrcode';
export {
  DOMAIN_API,
  getEffectiveDomain,
  getEffectiveWebviewDomain,
  modifyDomain,
  modifyDomainDirectly,
  setWebviewDomain,
  setWebviewDomainDirectly,
} from './miniprogram/domain';
export type {
  DomainAction,
  EffectiveDomainResponse,
  EffectiveWebviewDomainResponse,
  ModifyDomainRequest,
  ModifyDomainResponse,
  ServerDomains,
  WebviewDomainResponse,
} from './miniprogram/domain';
export { TESTER_API, bindTester, listTesters, unbindTester } from './miniprogram/tester';
export {
  BASIC_INFO_API,
  checkNickname,
  getAccountBasicInfo,
  modifyHeadImage,
  modifySignature,
  queryNickname,
  setNickname,
} from './miniprogram/basic-info';
export type { AccountBasicInfo, ModifiableField, NicknameAuditResponse, SetNicknameRequest, SetNicknameResponse } from './miniprogram/basic-info';
export { PRIVACY_API, getPrivacySetting, setPrivacySetting } from './miniprogram/privacy';
export type { PrivacyOwnerSetting, PrivacySettingItem, PrivacySettingResponse, SetPrivacySettingRequest } from './miniprogram/privacy';
export { MiniProgramApi } from './miniprogram/api';
export {
  TEMPLATE_API,
  addToTemplate,
  asAccessTokenParam,
  deleteTemplate,
  getTemplateDraftList,
  getTemplateList,
} from './templates';
export type { CodeTemplate, TemplateDraft, TemplateType } from './templates';
export {
  REGISTER_API,
  fastRegisterBeta,
  fastRegisterEnterprise,
  fastRegisterPersonal,
  queryFastRegisterPersonal,
  searchFastRegisterEnterprise,
} from './register';
export type { FastRegisterEnterpriseRequest, FastRegisterPersonalResponse, PrincipalCodeType } from './register';
export { OPEN_ACCOUNT_API, bindOpenAccount, createOpenAccount, getOpenAccount, hasOpenAccount, unbindOpenAccount } from './open-account';
export { QUOTA_API, clearAuthorizerQuota, clearQuotaByAppSecret, getApiQuota } from './quota';
export type { ApiQuotaResponse } from './quota';
export { AUTHORIZER_OPTION_API, getOwnAuthorizerOption, setOwnAuthorizerOption } from './authorizer-options';
export { listAllAuthorizers } from './authorizers';
