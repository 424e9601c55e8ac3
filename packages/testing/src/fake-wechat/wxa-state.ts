/**
 * What the fake WeChat knows beyond tokens: the platform's template library, audit quota and configured
 * domains; each mini program's code, audits, releases, domains, testers, basic info and privacy guide;
 * open-platform accounts; OAuth codes and user tokens; `js_code`s; JS-SDK tickets; fast registrations.
 */
import { createHash } from 'node:crypto';
import { randomId } from './ids';

/** The domain lists of `modify_domain`. */
export interface DomainLists {
  requestdomain: string[];
  wsrequestdomain: string[];
  uploaddomain: string[];
  downloaddomain: string[];
  udpdomain: string[];
  tcpdomain: string[];
}

export const DOMAIN_KINDS = ['requestdomain', 'wsrequestdomain', 'uploaddomain', 'downloaddomain', 'udpdomain', 'tcpdomain'] as const;

export function emptyDomains(): DomainLists {
  return { requestdomain: [], wsrequestdomain: [], uploaddomain: [], downloaddomain: [], udpdomain: [], tcpdomain: [] };
}

export interface FakeDraft {
  readonly draft_id: number;
  readonly user_version: string;
  readonly user_desc: string;
  readonly create_time: number;
  readonly source_miniprogram_appid: string;
  readonly source_miniprogram: string;
  readonly developer: string;
}

export interface FakeTemplate {
  readonly template_id: number;
  readonly template_type: 0 | 1;
  readonly user_version: string;
  readonly user_desc: string;
  readonly create_time: number;
  readonly source_miniprogram_appid: string;
  readonly source_miniprogram: string;
  readonly developer: string;
  /** Pages of the template's code (what `get_page` lists after a commit). */
  readonly pages: readonly string[];
}

/** Code committed to a mini program (its trial version). */
export interface FakeCode {
  readonly templateId: number;
  readonly extJson: Readonly<Record<string, unknown>>;
  readonly userVersion: string;
  readonly userDesc: string;
  /** Epoch seconds (fake clock). */
  readonly time: number;
  readonly pages: readonly string[];
}

/** 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed. */
export type FakeAuditStatus = 0 | 1 | 2 | 3 | 4;

export interface FakeAudit {
  readonly auditid: number;
  readonly appId: string;
  readonly code: FakeCode;
  /** Epoch seconds. */
  readonly submitTime: number;
  readonly request: Readonly<Record<string, unknown>>;
  status: FakeAuditStatus;
  reason: string | undefined;
  screenshot: string | undefined;
  spedUp: boolean;
  /** Set once this approved audit's version was released. */
  released: boolean;
}

export interface FakeRelease {
  readonly appVersion: number;
  readonly userVersion: string;
  readonly userDesc: string;
  /** Epoch seconds. */
  readonly time: number;
  /** Set when a revert went back from this release. */
  reverted: boolean;
}

export interface FakeGrayPlan {
  status: number;
  readonly create_timestamp: number;
  gray_percentage: number;
  support_debuger_first: boolean;
  support_experiencer_first: boolean;
}

/** One mini program's management state. */
export class FakeMiniProgram {
  readonly appId: string;
  /** The code committed last (the trial version). */
  code: FakeCode | undefined;
  /** Every successful commit, in order. */
  readonly commits: FakeCode[] = [];
  readonly audits = new Map<number, FakeAudit>();
  latestAudit: FakeAudit | undefined;
  /** Releases, oldest first; the last one not reverted is online. */
  readonly releases: FakeRelease[] = [];
  gray: FakeGrayPlan | undefined;
  visitStatus: 'open' | 'close' = 'open';
  readonly domains = { mp: emptyDomains(), third: emptyDomains(), direct: emptyDomains() };
  readonly webview = { mp: [] as string[], third: [] as string[], direct: [] as string[] };
  /** Testers: WeChat id → userstr. */
  readonly testers = new Map<string, string>();
  signature = '';
  signatureChanges = 0;
  headImageChanges = 0;
  nickname: string;
  readonly nicknameAudits = new Map<number, { nickname: string; audit_stat: number; create_time: number }>();
  privacy: Record<string, unknown> | undefined;
  undoCount = 0;
  quotaClears = 0;
  /** Whether the principal is a person (web-view domains refused with 89231). */
  personal = false;
  categories: Record<string, unknown>[] = [
    { first_class: '工具', second_class: '效率', first_id: 287, second_id: 616 },
  ];

  constructor(appId: string, nickname: string) {
    this.appId = appId;
    this.nickname = nickname;
  }

  /** The release online now, if any. */
  online(): FakeRelease | undefined {
    for (let i = this.releases.length - 1; i >= 0; i--) {
      const release = this.releases[i];
      if (release && !release.reverted) return release;
    }
    return undefined;
  }
}

/** An OAuth user token or refresh token. */
export interface FakeOAuthGrant {
  readonly appId: string;
  readonly openid: string;
  readonly scope: string;
  readonly unionid: string | undefined;
  readonly nickname: string;
  readonly expiresAt: number;
}

export interface FakeOAuthCode {
  readonly appId: string;
  readonly openid: string;
  readonly scope: string;
  readonly unionid: string | undefined;
  readonly nickname: string;
  readonly expiresAt: number;
  used: boolean;
}

export interface FakeJsCode {
  readonly appId: string;
  readonly openid: string;
  readonly unionid: string | undefined;
  readonly expiresAt: number;
  used: boolean;
}

export interface FakeOpenAccount {
  readonly openAppId: string;
  readonly principal: string;
  readonly createdByApi: boolean;
  readonly apps: Set<string>;
}

/** A file uploaded for a media id (`media/upload`, `wxa/uploadmedia`, `uploadprivacyextfile`). */
export interface FakeMedia {
  readonly appId: string;
  readonly kind: 'temp' | 'audit' | 'privacy';
  readonly type: string;
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface FakeRegistration {
  readonly kind: 'enterprise' | 'personal' | 'beta';
  readonly id: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  /** 0 success; otherwise the errcode `search` answers with. */
  status: number;
  appId: string | undefined;
}

/** The platform-wide part of the fake, beside tokens and authorizers. */
export class FakeWxaState {
  readonly drafts = new Map<number, FakeDraft>();
  readonly templates = new Map<number, FakeTemplate>();
  templateLibraryLimit = 200;
  readonly miniPrograms = new Map<string, FakeMiniProgram>();
  readonly auditQuota = { rest: 1000, limit: 1000, speedup_rest: 10, speedup_limit: 10 };
  /** Server and web-view domains configured on the third-party platform (what `modify_domain` accepts). */
  readonly platformDomains: DomainLists = {
    ...emptyDomains(),
    requestdomain: ['https://api.example.com'],
    wsrequestdomain: ['wss://ws.example.com'],
    uploaddomain: ['https://upload.example.com'],
    downloaddomain: ['https://download.example.com'],
  };
  platformWebviewDomains: string[] = ['https://www.example.com'];
  readonly openAccounts = new Map<string, FakeOpenAccount>();
  /** Authorizer appid → open appid. */
  readonly openBindings = new Map<string, string>();
  readonly oauthCodes = new Map<string, FakeOAuthCode>();
  readonly oauthTokens = new Map<string, FakeOAuthGrant>();
  readonly oauthRefreshTokens = new Map<string, FakeOAuthGrant>();
  readonly jsCodes = new Map<string, FakeJsCode>();
  /** The latest ticket per `appid:type`. */
  readonly jsTickets = new Map<string, { ticket: string; expiresAt: number }>();
  ticketExpiresIn = 7200;
  readonly registrations = new Map<string, FakeRegistration>();
  /** Uploaded files by media id. */
  readonly media = new Map<string, FakeMedia>();
  #nextAuditId = 400_000_001;
  #nextTemplateId = 1;
  #nextDraftId = 1;
  #nextAppVersion = 1;

  miniProgram(appId: string, nickname = `fake ${appId}`): FakeMiniProgram {
    let found = this.miniPrograms.get(appId);
    if (!found) {
      found = new FakeMiniProgram(appId, nickname);
      this.miniPrograms.set(appId, found);
    }
    return found;
  }

  nextAuditId(): number {
    return this.#nextAuditId++;
  }

  nextAppVersion(): number {
    return this.#nextAppVersion++;
  }

  addDraft(fields: { user_version: string; user_desc: string; source_miniprogram_appid?: string }, nowSeconds: number): FakeDraft {
    const draft: FakeDraft = {
      draft_id: this.#nextDraftId++,
      user_version: fields.user_version,
      user_desc: fields.user_desc,
      create_time: nowSeconds,
      source_miniprogram_appid: fields.source_miniprogram_appid ?? 'wxdevsource0000001',
      source_miniprogram: 'fake source mini program',
      developer: 'fake developer',
    };
    this.drafts.set(draft.draft_id, draft);
    return draft;
  }

  addTemplate(
    fields: { user_version: string; user_desc: string; template_type?: 0 | 1; pages?: readonly string[]; source_miniprogram_appid?: string },
    nowSeconds: number,
  ): FakeTemplate {
    const template: FakeTemplate = {
      template_id: this.#nextTemplateId++,
      template_type: fields.template_type ?? 0,
      user_version: fields.user_version,
      user_desc: fields.user_desc,
      create_time: nowSeconds,
      source_miniprogram_appid: fields.source_miniprogram_appid ?? 'wxdevsource0000001',
      source_miniprogram: 'fake source mini program',
      developer: 'fake developer',
      pages: fields.pages ?? ['pages/index/index', 'pages/about/about'],
    };
    this.templates.set(template.template_id, template);
    return template;
  }
}

/** Who signs in on the fake OAuth authorize page. */
export interface FakeOAuthUser {
  /** Any label: the openid is derived from it and the appid. */
  readonly user: string;
  readonly nickname: string;
  readonly unionid?: string;
  /** `false`: the user refuses, and the redirect carries no code. */
  readonly consent: boolean;
}

export const DEFAULT_OAUTH_USER: FakeOAuthUser = Object.freeze({ user: 'user', nickname: 'fake user', consent: true });

/** A stable fake openid of a user of `appId`. */
export function fakeOpenId(appId: string, user = 'user'): string {
  return `o${createHash('sha256').update(`${appId}/${user}`).digest('base64url').slice(0, 27)}`;
}

export { randomId };
