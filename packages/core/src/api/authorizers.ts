/** Every authorizer of the component, page after page of `api_get_authorizer_list`. */
import { optionError } from '../errors';
import type { Client } from './client';
import { getAuthorizerList } from './component';
import type { AuthorizerListItem } from './component';

/**
 * Yields every authorizer of the component (component client), fetching pages of `pageSize` (1–500, default 500)
 * as it goes. Stops at the first short page, so an authorization arriving mid-walk may be seen or not, and none is
 * yielded twice unless WeChat reorders the list between pages.
 */
export async function* listAllAuthorizers(
  client: Client,
  componentAppId: string,
  options: { readonly pageSize?: number } = {},
): AsyncGenerator<AuthorizerListItem, void, undefined> {
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) throw optionError('pageSize', 'must be an integer from 1 to 500');
  const seen = new Set<string>();
  for (let offset = 0; ; offset += pageSize) {
    const page = await getAuthorizerList(client, componentAppId, { offset, count: pageSize });
    const list = Array.isArray(page.list) ? page.list : [];
    for (const item of list) {
      if (seen.has(item.authorizer_appid)) continue;
      seen.add(item.authorizer_appid);
      yield item;
    }
    if (list.length < pageSize || offset + list.length >= page.total_count) return;
  }
}
