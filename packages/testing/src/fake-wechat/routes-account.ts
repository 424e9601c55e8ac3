/**
 * Account-level management of authorized mini programs — domains, testers, basic info, privacy guide,
 * open-platform binding, quotas — and the platform's fast registration, with WeChat's error codes.
 */
import { createHash } from 'node:crypto';
import { FakeWechatError } from './state';
import type { FakeState } from './state';
import { OK, appIdOf, int, seconds, str, strings } from './route-kit';
import type { Body, RouteContext, RouteEntry } from './route-kit';
import { DOMAIN_KINDS, emptyDomains, randomId } from './wxa-state';
import type { DomainLists, FakeMiniProgram } from './wxa-state';

const ACTIONS = new Set(['add', 'delete', 'set', 'get']);
const WECHAT_ID = /^[a-zA-Z][-_a-zA-Z0-9]{5,19}$/;
/** `privacy_key`s of the privacy guide. */
export const PRIVACY_KEYS: readonly string[] = [
  'UserInfo', 'Location', 'Address', 'Invoice', 'RunData', 'Record', 'Album', 'Camera', 'PhoneNumber', 'Contact',
  'DeviceInfo', 'EXIDNumber', 'EXOrderInfo', 'EXUserPublishContent', 'EXUserFollowAcct', 'EXUserOpLog', 'AlbumWriteOnly',
  'LicensePlate', 'BlueTooth', 'CalendarWriteOnly', 'Email', 'MessageFile', 'ChooseLocation', 'Accelerometer', 'Compass',
  'DeviceMotion', 'Gyroscope', 'Clipboard',
];
const TESTER_LIMIT = 90;
const MONTHLY_CHANGES = 5;

function miniProgram(state: FakeState, context: RouteContext): FakeMiniProgram {
  const appId = appIdOf(context);
  return state.wxa.miniProgram(appId, String(state.authorizers.get(appId)?.info['nick_name'] ?? appId));
}

function action(body: Body): string {
  const value = body['action'];
  if (typeof value !== 'string' || !ACTIONS.has(value)) throw new FakeWechatError(40097, 'invalid args: action');
  return value;
}

function union(...lists: DomainLists[]): DomainLists {
  const result = emptyDomains();
  for (const kind of DOMAIN_KINDS) result[kind] = [...new Set(lists.flatMap((list) => list[kind]))];
  return result;
}

/** Applies a server-domain action to `lists`; `allowed` (the platform's domains) limits what may be added. */
function applyDomains(lists: DomainLists, body: Body, allowed: DomainLists | undefined): DomainLists {
  const verb = action(body);
  if (verb === 'get') return lists;
  const given = emptyDomains();
  for (const kind of DOMAIN_KINDS) given[kind] = strings(body, kind) ?? [];
  if (allowed && verb !== 'delete') {
    for (const kind of DOMAIN_KINDS) if (given[kind].some((domain) => !allowed[kind].includes(domain))) throw new FakeWechatError(85018);
  }
  if (verb === 'add') {
    if (DOMAIN_KINDS.every((kind) => given[kind].every((domain) => lists[kind].includes(domain)))) throw new FakeWechatError(85017);
    for (const kind of DOMAIN_KINDS) lists[kind] = [...new Set([...lists[kind], ...given[kind]])];
  } else if (verb === 'delete') {
    for (const kind of DOMAIN_KINDS) lists[kind] = lists[kind].filter((domain) => !given[kind].includes(domain));
  } else {
    for (const kind of DOMAIN_KINDS) lists[kind] = [...new Set(given[kind])];
  }
  return lists;
}

function hostOf(domain: string): string {
  try {
    return new URL(domain).hostname;
  } catch {
    throw new FakeWechatError(40097, 'invalid args: webviewdomain');
  }
}

/** Applies a web-view domain action; with `allowed`, each domain must be one of them or a subdomain. */
function applyWebview(list: string[], body: Body, allowed: readonly string[] | undefined): string[] {
  const verb = action(body);
  if (verb === 'get') return list;
  const given = strings(body, 'webviewdomain') ?? [];
  if (allowed && verb !== 'delete') {
    const hosts = allowed.map(hostOf);
    for (const domain of given) {
      const host = hostOf(domain);
      if (!hosts.some((allowedHost) => host === allowedHost || host.endsWith(`.${allowedHost}`))) throw new FakeWechatError(89021);
    }
  }
  const next =
    verb === 'add' ? [...new Set([...list, ...given])] : verb === 'delete' ? list.filter((domain) => !given.includes(domain)) : [...new Set(given)];
  if (next.length > 100) throw new FakeWechatError(89029);
  if (verb !== 'delete' && next.length === list.length && next.every((domain) => list.includes(domain))) throw new FakeWechatError(89019);
  list.splice(0, list.length, ...next);
  return list;
}

function principalOf(state: FakeState, appId: string): string {
  return String(state.authorizers.get(appId)?.info['principal_name'] ?? 'fake principal');
}

function sameApp(context: RouteContext): string {
  const appId = appIdOf(context);
  if (context.body['appid'] !== appId) throw new FakeWechatError(40013);
  return appId;
}

export const ACCOUNT_ROUTES: readonly RouteEntry[] = [
  // ── domains ──
  [
    '/wxa/modify_domain',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        return { ...OK, ...applyDomains(mp.domains.third, context.body, state.wxa.platformDomains) };
      },
    },
  ],
  [
    '/wxa/modify_domain_directly',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => ({ ...OK, ...applyDomains(miniProgram(state, context).domains.direct, context.body, undefined) }),
    },
  ],
  [
    '/wxa/get_effective_domain',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const { mp, third, direct } = miniProgram(state, context).domains;
        return { ...OK, mp_domain: mp, third_domain: third, direct_domain: direct, effective_domain: union(mp, third, direct) };
      },
    },
  ],
  [
    '/wxa/setwebviewdomain',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        if (mp.personal) throw new FakeWechatError(89231);
        if (state.wxa.platformWebviewDomains.length === 0) throw new FakeWechatError(89020);
        return { ...OK, webviewdomain: applyWebview(mp.webview.third, context.body, state.wxa.platformWebviewDomains) };
      },
    },
  ],
  [
    '/wxa/setwebviewdomain_directly',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        if (mp.personal) throw new FakeWechatError(89231);
        return { ...OK, webviewdomain: applyWebview(mp.webview.direct, context.body, undefined) };
      },
    },
  ],
  [
    '/wxa/get_effective_webviewdomain',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const { mp, third, direct } = miniProgram(state, context).webview;
        return {
          ...OK,
          mp_webviewdomain: mp,
          third_webviewdomain: third,
          direct_webviewdomain: direct,
          effective_webviewdomain: [...new Set([...mp, ...third, ...direct])],
        };
      },
    },
  ],

  // ── testers ──
  [
    '/wxa/bind_tester',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const wechatId = str(context.body, 'wechatid');
        if (!WECHAT_ID.test(wechatId)) throw new FakeWechatError(85001);
        if (mp.testers.has(wechatId)) throw new FakeWechatError(85004);
        if (mp.testers.size >= TESTER_LIMIT) throw new FakeWechatError(85002);
        const userstr = createHash('sha256').update(`${mp.appId}/${wechatId}`).digest('hex').slice(0, 32);
        mp.testers.set(wechatId, userstr);
        return { ...OK, userstr };
      },
    },
  ],
  [
    '/wxa/unbind_tester',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const { wechatid, userstr } = context.body;
        const key = [...mp.testers].find(([id, str]) => id === wechatid || str === userstr)?.[0];
        if (key === undefined) throw new FakeWechatError(40097, 'invalid args: not a tester');
        mp.testers.delete(key);
        return OK;
      },
    },
  ],
  [
    '/wxa/memberauth',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        if (context.body['action'] !== 'get_experiencer') throw new FakeWechatError(40097, 'invalid args: action');
        return { ...OK, members: [...miniProgram(state, context).testers.values()].map((userstr) => ({ userstr })) };
      },
    },
  ],

  // ── basic info ──
  [
    '/cgi-bin/account/getaccountbasicinfo',
    {
      method: 'ANY',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        return {
          ...OK,
          appid: mp.appId,
          account_type: 3,
          principal_type: mp.personal ? 0 : 1,
          principal_name: principalOf(state, mp.appId),
          realname_status: 1,
          wx_verify_info: { qualification_verify: false, naming_verify: true },
          signature_info: { signature: mp.signature, modify_used_count: mp.signatureChanges, modify_quota: MONTHLY_CHANGES },
          head_image_info: { head_image_url: `https://wx.qlogo.cn/mmhead/${mp.appId}/0`, modify_used_count: mp.headImageChanges, modify_quota: MONTHLY_CHANGES },
          nickname_info: { nickname: mp.nickname, modify_used_count: 0, modify_quota: 2 },
          nickname: mp.nickname,
        };
      },
    },
  ],
  [
    '/cgi-bin/account/modifysignature',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const signature = str(context.body, 'signature');
        if (mp.signatureChanges >= MONTHLY_CHANGES) throw new FakeWechatError(53200);
        if (/forbidden/i.test(signature)) throw new FakeWechatError(53201);
        mp.signature = signature;
        mp.signatureChanges += 1;
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/account/modifyheadimage',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        str(context.body, 'head_img_media_id');
        for (const field of ['x1', 'y1', 'x2', 'y2']) {
          const value = context.body[field];
          if (typeof value !== 'number' || value < 0 || value > 1) throw new FakeWechatError(40097, `invalid args: ${field}`);
        }
        if (mp.headImageChanges >= MONTHLY_CHANGES) throw new FakeWechatError(53202);
        mp.headImageChanges += 1;
        return OK;
      },
    },
  ],
  [
    '/wxa/setnickname',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const nickname = str(context.body, 'nick_name');
        for (const other of state.wxa.miniPrograms.values()) if (other !== mp && other.nickname === nickname) throw new FakeWechatError(85029, 'nickname has used');
        const auditId = state.wxa.nextAuditId();
        mp.nicknameAudits.set(auditId, { nickname, audit_stat: 1, create_time: seconds(state) });
        return { ...OK, wording: '', audit_id: auditId };
      },
    },
  ],
  [
    '/wxa/api_wxa_querynickname',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const audit = miniProgram(state, context).nicknameAudits.get(int(context.body, 'audit_id'));
        if (!audit) throw new FakeWechatError(40097, 'invalid args: audit_id');
        return { ...OK, ...audit, fail_reason: '', audit_time: 0 };
      },
    },
  ],
  [
    '/cgi-bin/wxverify/checkwxverifynickname',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (_state, context) => {
        const hit = str(context.body, 'nick_name').includes('微信');
        return { ...OK, hit_condition: hit, wording: hit ? '名称包含“微信”，需提供商标证明' : '' };
      },
    },
  ],

  // ── privacy guide ──
  [
    '/cgi-bin/component/setprivacysetting',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const { body } = context;
        const owner = body['owner_setting'];
        if (typeof owner !== 'object' || owner === null || typeof (owner as Body)['notice_method'] !== 'string') {
          throw new FakeWechatError(40097, 'invalid args: owner_setting.notice_method');
        }
        const list = body['setting_list'];
        if (!Array.isArray(list)) throw new FakeWechatError(40097, 'invalid args: setting_list');
        for (const item of list as Body[]) {
          if (typeof item?.['privacy_key'] !== 'string' || !PRIVACY_KEYS.includes(item['privacy_key'])) throw new FakeWechatError(86076);
          if (typeof item['privacy_text'] !== 'string') throw new FakeWechatError(40097, 'invalid args: privacy_text');
        }
        miniProgram(state, context).privacy = { owner_setting: owner, setting_list: list, update_time: seconds(state) };
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/component/getprivacysetting',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const saved = mp.privacy;
        const settings = ((saved?.['setting_list'] as Body[] | undefined) ?? []).map((item) => ({ ...item, privacy_label: String(item['privacy_key']) }));
        return {
          ...OK,
          code_exist: mp.code ? 1 : 0,
          privacy_list: mp.code ? ['UserInfo'] : [],
          setting_list: settings,
          update_time: saved?.['update_time'] ?? 0,
          owner_setting: saved?.['owner_setting'] ?? { notice_method: '' },
          privacy_desc: { privacy_desc_list: PRIVACY_KEYS.map((key) => ({ privacy_key: key, privacy_desc: key })) },
        };
      },
    },
  ],

  // ── open-platform account ──
  [
    '/cgi-bin/open/create',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const appId = sameApp(context);
        if (state.wxa.openBindings.has(appId)) throw new FakeWechatError(89000);
        const openAppId = randomId('wx', 8);
        state.wxa.openAccounts.set(openAppId, { openAppId, principal: principalOf(state, appId), createdByApi: true, apps: new Set([appId]) });
        state.wxa.openBindings.set(appId, openAppId);
        return { ...OK, open_appid: openAppId };
      },
    },
  ],
  [
    '/cgi-bin/open/bind',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const appId = sameApp(context);
        const open = state.wxa.openAccounts.get(str(context.body, 'open_appid'));
        if (!open) throw new FakeWechatError(40013);
        if (state.wxa.openBindings.has(appId)) throw new FakeWechatError(89000);
        if (open.principal !== principalOf(state, appId)) throw new FakeWechatError(89001);
        if (!open.createdByApi) throw new FakeWechatError(89003);
        if (open.apps.size >= 100) throw new FakeWechatError(89004);
        open.apps.add(appId);
        state.wxa.openBindings.set(appId, open.openAppId);
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/open/unbind',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const appId = sameApp(context);
        const openAppId = str(context.body, 'open_appid');
        if (state.wxa.openBindings.get(appId) !== openAppId) throw new FakeWechatError(89002);
        const open = state.wxa.openAccounts.get(openAppId);
        if (!open?.createdByApi) throw new FakeWechatError(89003);
        open.apps.delete(appId);
        state.wxa.openBindings.delete(appId);
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/open/get',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const openAppId = state.wxa.openBindings.get(sameApp(context));
        if (openAppId === undefined) throw new FakeWechatError(89002);
        return { ...OK, open_appid: openAppId };
      },
    },
  ],
  [
    '/cgi-bin/open/have',
    { method: 'GET', auth: 'authorizer', handle: (state, context) => ({ ...OK, have_open: state.wxa.openBindings.has(appIdOf(context)) }) },
  ],

  // ── quota ──
  [
    '/cgi-bin/clear_quota',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, { ...context, authorizerAppId: sameApp(context) });
        if (mp.quotaClears >= 10) throw new FakeWechatError(48006);
        mp.quotaClears += 1;
        context.clearQuota();
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/component/clear_quota/v2',
    {
      method: 'POST',
      auth: 'none',
      handle: (state, context) => {
        const { body } = context;
        if (body['component_appid'] !== state.componentAppId) throw new FakeWechatError(40013);
        if (body['appsecret'] !== state.componentAppSecret) throw new FakeWechatError(40125);
        const appId = str(body, 'appid');
        if (appId !== state.componentAppId && !state.authorizers.has(appId)) throw new FakeWechatError(40013);
        context.clearQuota();
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/openapi/quota/get',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (_state, context) => {
        const path = str(context.body, 'cgi_path');
        if (!context.knownPath(path)) throw new FakeWechatError(76021);
        const used = context.usedQuota(path, appIdOf(context));
        const dailyLimit = 100_000;
        return { ...OK, quota: { daily_limit: dailyLimit, used, remain: Math.max(0, dailyLimit - used) } };
      },
    },
  ],

  // ── fast registration (component) ──
  [
    '/cgi-bin/component/fastregisterweapp',
    {
      method: 'POST',
      auth: 'component',
      tokenParam: 'component_access_token',
      handle: (state, { body, query }) => {
        const verb = query.get('action');
        const name = str(body, 'name');
        const wechat = str(body, 'legal_persona_wechat');
        const person = str(body, 'legal_persona_name');
        const id = `${name}/${wechat}/${person}`;
        if (verb === 'search') {
          const task = state.wxa.registrations.get(id);
          if (!task) throw new FakeWechatError(89250);
          if (task.status !== 0) throw new FakeWechatError(task.status);
          return OK;
        }
        if (verb !== 'create') throw new FakeWechatError(40097, 'invalid args: action');
        str(body, 'code');
        const codeType = body['code_type'];
        if (codeType !== 1 && codeType !== 2 && codeType !== 3 && codeType !== '1' && codeType !== '2' && codeType !== '3') {
          throw new FakeWechatError(89248);
        }
        if (!WECHAT_ID.test(wechat)) throw new FakeWechatError(86004);
        for (const task of state.wxa.registrations.values()) {
          if (task.kind === 'enterprise' && task.request['name'] === name && state.now() - task.createdAt < 24 * 3600_000) {
            throw new FakeWechatError(89249);
          }
        }
        state.wxa.registrations.set(id, { kind: 'enterprise', id, request: body, createdAt: state.now(), status: 89251, appId: undefined });
        return OK;
      },
    },
  ],
  [
    '/wxa/component/fastregisterpersonalweapp',
    {
      method: 'POST',
      auth: 'component',
      tokenParam: 'component_access_token',
      handle: (state, { body, query }) => {
        const verb = query.get('action');
        if (verb === 'query') {
          const task = state.wxa.registrations.get(str(body, 'taskid'));
          if (!task || task.kind !== 'personal') throw new FakeWechatError(85060);
          return { ...OK, taskid: task.id, authorize_url: `https://mp.weixin.qq.com/wxopen/fastregister?taskid=${task.id}`, status: task.status };
        }
        if (verb !== 'create') throw new FakeWechatError(40097, 'invalid args: action');
        str(body, 'idname');
        if (!WECHAT_ID.test(str(body, 'wxuser'))) throw new FakeWechatError(86004);
        const id = randomId('', 16);
        state.wxa.registrations.set(id, { kind: 'personal', id, request: body, createdAt: state.now(), status: 0, appId: undefined });
        return { ...OK, taskid: id, authorize_url: `https://mp.weixin.qq.com/wxopen/fastregister?taskid=${id}`, status: 0 };
      },
    },
  ],
  [
    '/wxa/component/fastregisterbetaweapp',
    {
      method: 'POST',
      auth: 'component',
      tokenParam: 'access_token',
      handle: (state, { body }) => {
        str(body, 'name');
        str(body, 'openid');
        const id = randomId('', 16);
        state.wxa.registrations.set(id, { kind: 'beta', id, request: body, createdAt: state.now(), status: 0, appId: undefined });
        return { ...OK, unique_id: id, authorize_url: `https://mp.weixin.qq.com/wxopen/fastregisterbeta?unique_id=${id}` };
      },
    },
  ],
];
