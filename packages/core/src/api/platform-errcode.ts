/**
 * Error codes of the on-behalf APIs (OAuth, JS-SDK, mini-program management) that callers and the release
 * runner act on. Names follow `errcode.ts`; meanings are WeChat's, from the return-code table at
 * https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html
 */

/** Invalid argument (参数错误). */
export const ErrCodeInvalidArgs = 40097;
/** The OpenID does not belong to this account. */
export const ErrCodeInvalidOpenId = 40003;
/** Invalid OAuth or `js_code` code. */
export const ErrCodeInvalidCode = 40029;
/** Invalid OAuth refresh token. */
export const ErrCodeInvalidOAuthRefreshToken = 40030;
/** The OAuth or `js_code` code was already used. */
export const ErrCodeCodeUsed = 40163;
/** The OAuth code expired. */
export const ErrCodeCodeExpired = 42003;
/** Per-minute frequency limit (API 调用太频繁). */
export const ErrCodeMinuteQuota = 45011;
/** `clear_quota` refused: the monthly number of resets is used up. */
export const ErrCodeClearQuotaLimit = 48006;
/** The code check started by `commit` has not finished; submit the audit later (代码检测任务暂未完成). */
export const ErrCodeCodeCheckPending = 61039;

/** A tester's WeChat id does not exist or cannot be searched. */
export const ErrCodeTesterNotFound = 85001;
/** The mini program has as many testers as allowed. */
export const ErrCodeTesterLimit = 85002;
/** The WeChat user is a tester of as many mini programs as allowed. */
export const ErrCodeTesterUserLimit = 85003;
/** The WeChat user is already a tester. */
export const ErrCodeTesterAlreadyBound = 85004;
/** A page path of `item_list` is wrong. */
export const ErrCodeAuditPagePath = 85007;
/** An audit is already in progress (已经有正在审核的版本). */
export const ErrCodeAuditInProgress = 85009;
/** Invalid audit id. */
export const ErrCodeInvalidAuditId = 85012;
/** Invalid `ext_json` (无效的自定义配置). */
export const ErrCodeInvalidExtJson = 85013;
/** Invalid template id. */
export const ErrCodeInvalidTemplateId = 85014;
/** No new domain: already added, or not configured on the platform. */
export const ErrCodeNoNewDomain = 85017;
/** The domain is not configured on the third-party platform. */
export const ErrCodeDomainNotOnPlatform = 85018;
/** No audited version to release (没有审核版本). */
export const ErrCodeNoAuditedVersion = 85019;
/** The audit status does not allow a release (审核状态未满足发布). */
export const ErrCodeReleaseNotAllowed = 85020;
/** The visit status cannot change to the one asked for. */
export const ErrCodeVisitStatusUnchanged = 85021;
/** Invalid `action`. */
export const ErrCodeInvalidAction = 85022;
/** `item_list` must hold 1 to 5 items. */
export const ErrCodeAuditItemCount = 85023;
/** `ext_json` could not be parsed. */
export const ErrCodeExtJsonUnparsable = 85048;
/** The approved version is already released. */
export const ErrCodeAlreadyReleased = 85052;
/** No valid audit exists (get_latest_auditstatus). */
export const ErrCodeNoValidAudit = 85058;
/** Invalid fast-registration task id. */
export const ErrCodeInvalidTaskId = 85060;
/** Template or draft not found. */
export const ErrCodeTemplateNotFound = 85064;
/** The template library is full. */
export const ErrCodeTemplateLibraryFull = 85065;
/** No released version: a gray release needs one. */
export const ErrCodeNoReleasedVersion = 85079;
/** The submitted audit has not been approved. */
export const ErrCodeAuditNotApproved = 85080;
/** Invalid gray-release percentage. */
export const ErrCodeInvalidGrayPercentage = 85081;
/** The gray-release percentage must be higher than the current one. */
export const ErrCodeGrayPercentageTooLow = 85082;
/** The platform's audit quota is used up (提审额度用完). */
export const ErrCodeAuditQuotaExceeded = 85085;
/** Code must be committed before an audit is submitted. */
export const ErrCodeCommitBeforeAudit = 85086;
/** Not called by a third-party platform on behalf of a mini program. */
export const ErrCodeNotThirdParty = 86000;
/** No code committed by the platform (不存在第三方的已经提交的代码). */
export const ErrCodeNoCommittedCode = 86001;
/** Name, avatar or description of the mini program is missing. */
export const ErrCodeBasicInfoMissing = 86002;
/** Invalid WeChat id. */
export const ErrCodeInvalidWechatId = 86004;
/** A `privacy_key` of `setting_list` is unknown. */
export const ErrCodeInvalidPrivacyKey = 86076;
/** A gray release is running: no revert. */
export const ErrCodeGrayReleaseRunning = 87011;
/** This version cannot be reverted. */
export const ErrCodeCannotRevert = 87012;
/** The number of audit withdrawals is used up (5 a day, 10 a month). */
export const ErrCodeUndoAuditLimit = 87013;
/** The account is already bound to an open-platform account. */
export const ErrCodeOpenAlreadyBound = 89000;
/** The account and the open-platform account have different principals. */
export const ErrCodeOpenPrincipalMismatch = 89001;
/** The account is bound to no open-platform account. */
export const ErrCodeOpenNotBound = 89002;
/** The open-platform account was not created through the API. */
export const ErrCodeOpenNotCreatedByApi = 89003;
/** The open-platform account has as many bound accounts as allowed (100). */
export const ErrCodeOpenBindLimit = 89004;
/** The web-view domain list is unchanged. */
export const ErrCodeWebviewDomainUnchanged = 89019;
/** The platform has no web-view domain configured. */
export const ErrCodeWebviewDomainNotConfigured = 89020;
/** The web-view domain is not one configured on the platform (or a subdomain of one). */
export const ErrCodeWebviewDomainNotOnPlatform = 89021;
/** Too many web-view domains (100 at most). */
export const ErrCodeWebviewDomainLimit = 89029;
/** Personal mini programs cannot set web-view domains. */
export const ErrCodeWebviewDomainPersonal = 89231;
/** Invalid `code_type` (fast registration). */
export const ErrCodeInvalidCodeType = 89248;
/** A fast-registration task of this principal is running: retry 24 h after the last one. */
export const ErrCodeRegistrationRunning = 89249;
/** Fast-registration task not found. */
export const ErrCodeRegistrationNotFound = 89250;
/** The audit is not in the pending queue (speedupaudit). */
export const ErrCodeAuditNotPending = 89402;
/** The audit was already sped up. */
export const ErrCodeAuditAlreadySpedUp = 89404;
/** The monthly speed-up quota is used up. */
export const ErrCodeSpeedupQuotaExceeded = 89405;
