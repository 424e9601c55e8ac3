/**
 * Open-platform account binding (开放平台账号管理) of an authorized account, with its authorizer `Client`: an
 * open-platform account groups official accounts and mini programs under one `unionid` space.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/account/create.html
 */
import type { Client } from './client';

export const OPEN_ACCOUNT_API = Object.freeze({
  create: '/cgi-bin/open/create',
  bind: '/cgi-bin/open/bind',
  unbind: '/cgi-bin/open/unbind',
  get: '/cgi-bin/open/get',
  have: '/cgi-bin/open/have',
});

/** `open/create`: creates an open-platform account and binds the authorizer to it (89000 already bound). */
export function createOpenAccount(client: Client, authorizerAppId: string): Promise<{ readonly open_appid: string }> {
  return client.postJSON(OPEN_ACCOUNT_API.create, { appid: authorizerAppId });
}

/**
 * `open/bind`: binds the authorizer to an existing open-platform account. 89000 already bound, 89001 different
 * principals, 89003 the account was not created through the API, 89004 it has 100 accounts bound.
 */
export async function bindOpenAccount(client: Client, authorizerAppId: string, openAppId: string): Promise<void> {
  await client.postJSON(OPEN_ACCOUNT_API.bind, { appid: authorizerAppId, open_appid: openAppId });
}

/** `open/unbind` (89002 not bound, 89003 not created through the API). */
export async function unbindOpenAccount(client: Client, authorizerAppId: string, openAppId: string): Promise<void> {
  await client.postJSON(OPEN_ACCOUNT_API.unbind, { appid: authorizerAppId, open_appid: openAppId });
}

/** `open/get`: the open-platform account the authorizer is bound to (89002 when none). */
export function getOpenAccount(client: Client, authorizerAppId: string): Promise<{ readonly open_appid: string }> {
  return client.postJSON(OPEN_ACCOUNT_API.get, { appid: authorizerAppId });
}

/** `open/have`: whether the authorizer is bound to an open-platform account. */
export function hasOpenAccount(client: Client): Promise<{ readonly have_open: boolean }> {
  return client.getJSON(OPEN_ACCOUNT_API.have);
}
