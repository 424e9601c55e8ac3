/** Testers (体验者) of an authorized mini program, with the authorizer `Client`. */
import type { Client } from '../client';

export const TESTER_API = Object.freeze({
  bind: '/wxa/bind_tester',
  unbind: '/wxa/unbind_tester',
  list: '/wxa/memberauth',
});

/**
 * `wxa/bind_tester`: resolves to the tester's `userstr` (85001 unknown WeChat id, 85002 / 85003 limits, 85004
 * already a tester).
 */
export function bindTester(client: Client, wechatId: string): Promise<{ readonly userstr: string }> {
  return client.postJSON(TESTER_API.bind, { wechatid: wechatId });
}

/** `wxa/unbind_tester`, by WeChat id or by the `userstr` from `bindTester` / `listTesters`. */
export async function unbindTester(client: Client, tester: { readonly wechatid: string } | { readonly userstr: string }): Promise<void> {
  await client.postJSON(TESTER_API.unbind, tester);
}

/** `wxa/memberauth` with `get_experiencer`: the testers' `userstr`s. */
export function listTesters(client: Client): Promise<{ readonly members: readonly { readonly userstr: string }[] }> {
  return client.postJSON(TESTER_API.list, { action: 'get_experiencer' });
}
