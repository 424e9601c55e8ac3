/**
 * WeChat API error codes (`errcode`), named as in the Go SDK (`ErrCodeOK`, `ErrCodeInvalidCredential`,
 * `ErrCodeAccessTokenExpired`) and extended with the codes the credential chain acts on.
 * https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html
 */

/** Success. Token calls often omit `errcode` altogether, which means the same. */
export const ErrCodeOK = 0;
/** System busy: retry later. The transport retries it a bounded number of times. */
export const ErrCodeSystemBusy = -1;
/** Invalid credential: the access token is invalid or not the latest (also a wrong AppSecret). */
export const ErrCodeInvalidCredential = 40001;
/** Invalid appid. */
export const ErrCodeInvalidAppId = 40013;
/** Invalid access token (不合法的 access_token). */
export const ErrCodeInvalidAccessToken = 40014;
/** Invalid appsecret. */
export const ErrCodeInvalidAppSecret = 40125;
/** The access token parameter is missing. */
export const ErrCodeAccessTokenMissing = 41001;
/** Missing secret. */
export const ErrCodeAppSecretMissing = 41004;
/** The access token has expired. */
export const ErrCodeAccessTokenExpired = 42001;
/** OAuth refresh token expired. */
export const ErrCodeRefreshTokenExpired = 42002;
/** The account's password changed: its tokens were invalidated. */
export const ErrCodeTokensInvalidated = 42007;
/** Daily API quota reached. */
export const ErrCodeQuotaExceeded = 45009;
/** The API is not authorized (permission missing). */
export const ErrCodeApiUnauthorized = 48001;
/** The component is not authorized by this account (the authorizer revoked it). */
export const ErrCodeComponentUnauthorized = 61003;
/** The calling IP is not on the platform's whitelist. */
export const ErrCodeClientIpNotRegistered = 61004;
/** The component verify ticket has expired. */
export const ErrCodeTicketExpired = 61005;
/** The component verify ticket is invalid. */
export const ErrCodeTicketInvalid = 61006;
/** The API is not authorized to the component (permission set not granted). */
export const ErrCodeApiUnauthorizedToComponent = 61007;
/** The authorization code is invalid. */
export const ErrCodeAuthCodeInvalid = 61009;
/** The authorization code has expired. */
export const ErrCodeAuthCodeExpired = 61010;
/** Invalid component. */
export const ErrCodeInvalidComponent = 61011;
/** The authorizer refresh token is invalid. */
export const ErrCodeRefreshTokenInvalid = 61023;
/** The component is unpublished. */
export const ErrCodeComponentUnpublished = 61028;

/** Codes after which the token is dropped (if still current), refreshed once and the call retried once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([
  ErrCodeInvalidCredential,
  ErrCodeInvalidAccessToken,
  ErrCodeAccessTokenExpired,
]);

/** Codes that mean the verify ticket was refused. */
export const TICKET_ERRCODES: ReadonlySet<number> = new Set([ErrCodeTicketExpired, ErrCodeTicketInvalid]);
