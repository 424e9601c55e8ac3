/**
 * Authorizer options through the authorizer's own token (the newer `get_authorizer_option` /
 * `set_authorizer_option`); the component-token `api_*` variants live with the component APIs.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/ThirdParty/Account_Authorization/api_get_authorizer_option.html
 */
import type { Client } from './client';
import type { AuthorizerOptionName } from './component';

export const AUTHORIZER_OPTION_API = Object.freeze({
  get: '/cgi-bin/component/get_authorizer_option',
  set: '/cgi-bin/component/set_authorizer_option',
});

/** `get_authorizer_option` (authorizer client). */
export function getOwnAuthorizerOption(
  client: Client,
  optionName: AuthorizerOptionName,
): Promise<{ readonly option_name: AuthorizerOptionName; readonly option_value: string }> {
  return client.postJSON(AUTHORIZER_OPTION_API.get, { option_name: optionName });
}

/** `set_authorizer_option` (authorizer client). */
export async function setOwnAuthorizerOption(client: Client, optionName: AuthorizerOptionName, optionValue: string | number): Promise<void> {
  await client.postJSON(AUTHORIZER_OPTION_API.set, { option_name: optionName, option_value: String(optionValue) });
}
