/**
 * One authorized mini program's management APIs bound to its authorizer `Client`:
 * `new MiniProgramApi(credentials.authorizerClient(appId), appId).commit({...})`.
 * Each method is the function of the same name in `code.ts`, `domain.ts`, `tester.ts`, `basic-info.ts`,
 * `privacy.ts`, `open-account.ts`, `quota.ts` and `authorizer-options.ts`; see them for errors and doc links.
 */
import { optionError } from '../../errors';
import type { Client } from '../client';
import type { AuthorizerOptionName } from '../component';
import { getOwnAuthorizerOption, setOwnAuthorizerOption } from '../authorizer-options';
import { bindOpenAccount, createOpenAccount, getOpenAccount, hasOpenAccount, unbindOpenAccount } from '../open-account';
import { clearAuthorizerQuota, getApiQuota } from '../quota';
import * as basic from './basic-info';
import * as code from './code';
import * as domain from './domain';
import * as privacy from './privacy';
import * as tester from './tester';

export class MiniProgramApi {
  /** The mini program's appid. */
  readonly appId: string;
  /** The authorizer client the calls go through. */
  readonly client: Client;

  constructor(client: Client, appId: string) {
    if (!client || typeof client.postJSON !== 'function') throw optionError('client', 'must be the authorizer Client (credentials.authorizerClient(appId))');
    if (typeof appId !== 'string' || appId === '') throw optionError('appId', 'must be the mini program appid');
    this.client = client;
    this.appId = appId;
  }

  // code management
  commit(request: code.CommitRequest) { return code.commit(this.client, request); }
  getPage() { return code.getPage(this.client); }
  submitAudit(request?: code.SubmitAuditRequest) { return code.submitAudit(this.client, request); }
  getAuditStatus(auditId: number) { return code.getAuditStatus(this.client, auditId); }
  getLatestAuditStatus() { return code.getLatestAuditStatus(this.client); }
  undoCodeAudit() { return code.undoCodeAudit(this.client); }
  speedupAudit(auditId: number) { return code.speedupAudit(this.client, auditId); }
  release() { return code.release(this.client); }
  revertCodeRelease(appVersion?: number) { return code.revertCodeRelease(this.client, appVersion); }
  getHistoryVersions() { return code.getHistoryVersions(this.client); }
  grayRelease(request: code.GrayReleaseRequest) { return code.grayRelease(this.client, request); }
  getGrayReleasePlan() { return code.getGrayReleasePlan(this.client); }
  revertGrayRelease() { return code.revertGrayRelease(this.client); }
  changeVisitStatus(action: 'open' | 'close') { return code.changeVisitStatus(this.client, action); }
  getCategory() { return code.getCategory(this.client); }
  getVersionInfo() { return code.getVersionInfo(this.client); }
  queryAuditQuota() { return code.queryAuditQuota(this.client); }

  // domains
  modifyDomain(request: domain.ModifyDomainRequest) { return domain.modifyDomain(this.client, request); }
  modifyDomainDirectly(request: domain.ModifyDomainRequest) { return domain.modifyDomainDirectly(this.client, request); }
  getEffectiveDomain() { return domain.getEffectiveDomain(this.client); }
  setWebviewDomain(request: { readonly action: domain.DomainAction; readonly webviewdomain?: readonly string[] }) {
    return domain.setWebviewDomain(this.client, request);
  }
  setWebviewDomainDirectly(request: { readonly action: domain.DomainAction; readonly webviewdomain?: readonly string[] }) {
    return domain.setWebviewDomainDirectly(this.client, request);
  }
  getEffectiveWebviewDomain() { return domain.getEffectiveWebviewDomain(this.client); }

  // testers
  bindTester(wechatId: string) { return tester.bindTester(this.client, wechatId); }
  unbindTester(who: { readonly wechatid: string } | { readonly userstr: string }) { return tester.unbindTester(this.client, who); }
  listTesters() { return tester.listTesters(this.client); }

  // basic info
  getAccountBasicInfo() { return basic.getAccountBasicInfo(this.client); }
  modifySignature(signature: string) { return basic.modifySignature(this.client, signature); }
  modifyHeadImage(request: Parameters<typeof basic.modifyHeadImage>[1]) { return basic.modifyHeadImage(this.client, request); }
  setNickname(request: basic.SetNicknameRequest) { return basic.setNickname(this.client, request); }
  queryNickname(auditId: number) { return basic.queryNickname(this.client, auditId); }
  checkNickname(nickname: string) { return basic.checkNickname(this.client, nickname); }

  // privacy
  setPrivacySetting(request: privacy.SetPrivacySettingRequest) { return privacy.setPrivacySetting(this.client, request); }
  getPrivacySetting(privacyVer?: 1 | 2) { return privacy.getPrivacySetting(this.client, privacyVer); }

  // open-platform account
  createOpenAccount() { return createOpenAccount(this.client, this.appId); }
  bindOpenAccount(openAppId: string) { return bindOpenAccount(this.client, this.appId, openAppId); }
  unbindOpenAccount(openAppId: string) { return unbindOpenAccount(this.client, this.appId, openAppId); }
  getOpenAccount() { return getOpenAccount(this.client, this.appId); }
  hasOpenAccount() { return hasOpenAccount(this.client); }

  // quota and options
  clearQuota() { return clearAuthorizerQuota(this.client, this.appId); }
  getApiQuota(cgiPath: string) { return getApiQuota(this.client, cgiPath); }
  getOption(optionName: AuthorizerOptionName) { return getOwnAuthorizerOption(this.client, optionName); }
  setOption(optionName: AuthorizerOptionName, optionValue: string | number) { return setOwnAuthorizerOption(this.client, optionName, optionValue); }
}
