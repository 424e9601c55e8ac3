/**
 * Code management of mini programs (commit → submit_audit → release, gray release, revert, visit status) and
 * the platform's template library, with the error codes WeChat documents for each.
 */
import { FakeWechatError } from './state';
import type { FakeState } from './state';
import { FakeBinary, OK, appIdOf, int, optionalStr, seconds, str } from './route-kit';
import type { Body, RouteContext, RouteEntry } from './route-kit';
import type { FakeAudit, FakeMiniProgram } from './wxa-state';

function miniProgram(state: FakeState, context: RouteContext): FakeMiniProgram {
  const appId = appIdOf(context);
  return state.wxa.miniProgram(appId, String(state.authorizers.get(appId)?.info['nick_name'] ?? appId));
}

function auditOf(mp: FakeMiniProgram, body: Body): FakeAudit {
  const audit = mp.audits.get(int(body, 'auditid'));
  if (!audit) throw new FakeWechatError(85012);
  return audit;
}

/** `get_auditstatus` / `get_latest_auditstatus` fields of an audit's outcome. */
function outcome(audit: FakeAudit): Body {
  if (audit.status === 1) return { reason: audit.reason ?? '', screenshot: audit.screenshot ?? '' };
  if (audit.status === 4) return { reason: audit.reason ?? '' };
  return {};
}

function parseExtJson(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FakeWechatError(85048);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new FakeWechatError(85013);
  return parsed as Record<string, unknown>;
}

/** A small JPEG-shaped body (SOI marker, payload, EOI marker) standing for the QR code image. */
function qrcodeImage(appId: string, path: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`trial qrcode ${appId} ${path}`, 'utf8'), Buffer.from([0xff, 0xd9])]);
}

export const CODE_ROUTES: readonly RouteEntry[] = [
  [
    '/wxa/commit',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const { body } = context;
        const template = state.wxa.templates.get(int(body, 'template_id'));
        if (!template) throw new FakeWechatError(85014);
        const extJson = parseExtJson(str(body, 'ext_json'));
        const userVersion = str(body, 'user_version');
        if (userVersion.length > 64) throw new FakeWechatError(40097, 'invalid args: user_version');
        const pages = Array.isArray(extJson['pages']) ? (extJson['pages'] as unknown[]) : [];
        if (pages.some((page) => typeof page !== 'string' || !template.pages.includes(page))) throw new FakeWechatError(85045);
        const mp = miniProgram(state, context);
        mp.code = {
          templateId: template.template_id,
          extJson,
          userVersion,
          userDesc: optionalStr(body, 'user_desc') ?? '',
          time: seconds(state),
          pages: template.pages,
        };
        mp.commits.push(mp.code);
        return OK;
      },
    },
  ],
  [
    '/wxa/get_page',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, context) => {
        const code = miniProgram(state, context).code;
        if (!code) throw new FakeWechatError(86001);
        return { ...OK, page_list: code.pages };
      },
    },
  ],
  [
    '/wxa/get_qrcode',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        if (!mp.code) throw new FakeWechatError(86001);
        return new FakeBinary('image/jpeg', qrcodeImage(mp.appId, context.query.get('path') ?? ''));
      },
    },
  ],
  [
    '/wxa/submit_audit',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const { body } = context;
        const mp = miniProgram(state, context);
        const code = mp.code;
        if (!code) throw new FakeWechatError(85086);
        if (mp.latestAudit && (mp.latestAudit.status === 2 || mp.latestAudit.status === 4)) throw new FakeWechatError(85009);
        if (state.wxa.auditQuota.rest <= 0) throw new FakeWechatError(85085);
        const items = body['item_list'];
        if (items !== undefined) {
          if (!Array.isArray(items) || items.length < 1 || items.length > 5) throw new FakeWechatError(85023);
          for (const item of items as Body[]) {
            const address = item?.['address'];
            if (address !== undefined && (typeof address !== 'string' || !code.pages.includes(address))) throw new FakeWechatError(85007);
          }
        }
        state.wxa.auditQuota.rest -= 1;
        const audit: FakeAudit = {
          auditid: state.wxa.nextAuditId(),
          appId: mp.appId,
          code,
          submitTime: seconds(state),
          request: body,
          status: 2,
          reason: undefined,
          screenshot: undefined,
          spedUp: false,
          released: false,
        };
        mp.audits.set(audit.auditid, audit);
        mp.latestAudit = audit;
        context.events.auditSubmitted(audit);
        return { ...OK, auditid: audit.auditid };
      },
    },
  ],
  [
    '/wxa/get_auditstatus',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const audit = auditOf(miniProgram(state, context), context.body);
        return { ...OK, status: audit.status, ...outcome(audit) };
      },
    },
  ],
  [
    '/wxa/get_latest_auditstatus',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, context) => {
        const audit = miniProgram(state, context).latestAudit;
        if (!audit) throw new FakeWechatError(85058);
        const { reason, screenshot } = outcome(audit);
        return {
          ...OK,
          auditid: audit.auditid,
          status: audit.status,
          ...(reason === undefined ? {} : { reason }),
          ...(screenshot === undefined ? {} : { ScreenShot: screenshot }),
          user_version: audit.code.userVersion,
          user_desc: audit.code.userDesc,
          submit_audit_time: audit.submitTime,
        };
      },
    },
  ],
  [
    '/wxa/undocodeaudit',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const audit = mp.latestAudit;
        if (!audit || (audit.status !== 2 && audit.status !== 4)) throw new FakeWechatError(85019);
        if (mp.undoCount >= 5) throw new FakeWechatError(87013);
        mp.undoCount += 1;
        audit.status = 3;
        return OK;
      },
    },
  ],
  [
    '/wxa/speedupaudit',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const audit = auditOf(miniProgram(state, context), context.body);
        if (audit.status !== 2) throw new FakeWechatError(89402);
        if (audit.spedUp) throw new FakeWechatError(89404);
        if (state.wxa.auditQuota.speedup_rest <= 0) throw new FakeWechatError(89405);
        state.wxa.auditQuota.speedup_rest -= 1;
        audit.spedUp = true;
        return OK;
      },
    },
  ],
  [
    '/wxa/release',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const audit = mp.latestAudit;
        if (!audit) throw new FakeWechatError(85019);
        if (audit.status !== 0) throw new FakeWechatError(85020);
        if (audit.released) throw new FakeWechatError(85052);
        audit.released = true;
        mp.releases.push({
          appVersion: state.wxa.nextAppVersion(),
          userVersion: audit.code.userVersion,
          userDesc: audit.code.userDesc,
          time: seconds(state),
          reverted: false,
        });
        if (mp.gray) mp.gray.status = 3;
        return OK;
      },
    },
  ],
  [
    '/wxa/revertcoderelease',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const online = mp.online();
        const earlier = mp.releases.filter((release) => !release.reverted && release !== online);
        if (context.query.get('action') === 'get_history_version') {
          return {
            ...OK,
            version_list: earlier
              .slice()
              .reverse()
              .map((r) => ({ app_version: r.appVersion, user_version: r.userVersion, user_desc: r.userDesc, commit_time: r.time })),
          };
        }
        if (mp.gray?.status === 1) throw new FakeWechatError(87011);
        const wanted = context.query.get('app_version');
        const target = wanted === null ? earlier[earlier.length - 1] : earlier.find((r) => String(r.appVersion) === wanted);
        if (!target || !online) throw new FakeWechatError(87012);
        for (const release of mp.releases) if (release.appVersion > target.appVersion) release.reverted = true;
        return OK;
      },
    },
  ],
  [
    '/wxa/grayrelease',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const { body } = context;
        const mp = miniProgram(state, context);
        const percentage = body['gray_percentage'];
        if (typeof percentage !== 'number' || !Number.isInteger(percentage) || percentage < 1 || percentage > 100) throw new FakeWechatError(85081);
        const audit = mp.latestAudit;
        if (!audit || audit.status !== 0 || audit.released) throw new FakeWechatError(85080);
        if (!mp.online()) throw new FakeWechatError(85079);
        if (mp.gray?.status === 1 && percentage <= mp.gray.gray_percentage) throw new FakeWechatError(85082);
        mp.gray = {
          status: 1,
          create_timestamp: mp.gray?.status === 1 ? mp.gray.create_timestamp : seconds(state),
          gray_percentage: percentage,
          support_debuger_first: body['support_debuger_first'] === true,
          support_experiencer_first: body['support_experiencer_first'] === true,
        };
        return OK;
      },
    },
  ],
  [
    '/wxa/getgrayreleaseplan',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, context) => {
        const gray = miniProgram(state, context).gray;
        return { ...OK, gray_release_plan: gray ?? { status: 0, create_timestamp: 0, gray_percentage: 0 } };
      },
    },
  ],
  [
    '/wxa/revertgrayrelease',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        if (mp.gray?.status === 1) mp.gray.status = 4;
        return OK;
      },
    },
  ],
  [
    '/wxa/change_visitstatus',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const action = context.body['action'];
        if (action !== 'open' && action !== 'close') throw new FakeWechatError(85022);
        const mp = miniProgram(state, context);
        if (!mp.online() || mp.visitStatus === action) throw new FakeWechatError(85021);
        mp.visitStatus = action;
        return OK;
      },
    },
  ],
  [
    '/wxa/get_category',
    { method: 'GET', auth: 'authorizer', handle: (state, context) => ({ ...OK, category_list: miniProgram(state, context).categories }) },
  ],
  [
    '/wxa/getversioninfo',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const mp = miniProgram(state, context);
        const online = mp.online();
        return {
          ...OK,
          ...(mp.code ? { exp_info: { exp_time: mp.code.time, exp_version: mp.code.userVersion, exp_desc: mp.code.userDesc } } : {}),
          ...(online ? { release_info: { release_time: online.time, release_version: online.userVersion, release_desc: online.userDesc } } : {}),
        };
      },
    },
  ],
  ['/wxa/queryquota', { method: 'GET', auth: 'authorizer', handle: (state) => ({ ...OK, ...state.wxa.auditQuota }) }],

  // The template library: component token in `?access_token=`.
  [
    '/wxa/gettemplatedraftlist',
    {
      method: 'GET',
      auth: 'component',
      tokenParam: 'access_token',
      handle: (state) => ({ ...OK, draft_list: [...state.wxa.drafts.values()] }),
    },
  ],
  [
    '/wxa/addtotemplate',
    {
      method: 'POST',
      auth: 'component',
      tokenParam: 'access_token',
      handle: (state, { body }) => {
        const draft = state.wxa.drafts.get(int(body, 'draft_id'));
        if (!draft) throw new FakeWechatError(85064);
        if (state.wxa.templates.size >= state.wxa.templateLibraryLimit) throw new FakeWechatError(85065);
        const type = body['template_type'] === 1 ? 1 : 0;
        state.wxa.addTemplate({ ...draft, template_type: type }, seconds(state));
        return OK;
      },
    },
  ],
  [
    '/wxa/gettemplatelist',
    {
      method: 'GET',
      auth: 'component',
      tokenParam: 'access_token',
      handle: (state, { query }) => {
        const type = query.get('template_type');
        const list = [...state.wxa.templates.values()]
          .filter((template) => type === null || String(template.template_type) === type)
          .map(({ pages: _pages, ...template }) => template);
        return { ...OK, template_list: list };
      },
    },
  ],
  [
    '/wxa/deletetemplate',
    {
      method: 'POST',
      auth: 'component',
      tokenParam: 'access_token',
      handle: (state, { body }) => {
        if (!state.wxa.templates.delete(int(body, 'template_id'))) throw new FakeWechatError(85064);
        return OK;
      },
    },
  ],
];
