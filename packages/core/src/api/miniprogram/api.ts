/**
 * One authorized mini program's management APIs bound to its authorizer `Client`:
 * `new MiniProgramApi(credentials.authorizerClient(appId), appId).commit({...})`.
 * Each method is the function of the same name in `code.ts`, `domain.ts`, `tester.ts`, `basic-info.ts`,
 * `privacy.ts`, `media.ts`, `open-account.ts`, `quota.ts` and `authorizer-options.ts`; see them for errors and doc links.
 */
import { optionError } from '../../errors';
import type { Client } from '../client';
import type { AuthorizerOptionName } from '../component';
import { getOwnAuthorizerOption, setOwnAuthorizerOption } from '../authorizer-options';
import { bindOpenAccount, createOpenAccount, getOpenAccount, hasOpenAccount, unbindOpenAccount } from '../open-account';
import { clearAuthorizerQuota, getApiQuota } from '../quota';
import { checkNickname, getAccountBasicInfo, modifyHeadImage, modifySignature, queryNickname, setNickname } from './basic-info';
import type { SetNicknameRequest } from './basic-info';
import { changeVisitStatus, commit, getAuditStatus, getCategory, getGrayReleasePlan, getHistoryVersions, getLatestAuditStatus, getPage, getVersionInfo, grayRelease, queryAuditQuota, release, revertCodeRelease, revertGrayRelease, speedupAudit, submitAudit, undoCodeAudit } from './code';
import type { CommitRequest, GrayReleaseRequest, SubmitAuditRequest } from './code';
import { getEffectiveDomain, getEffectiveWebviewDomain, modifyDomain, modifyDomainDirectly, setWebviewDomain, setWebviewDomainDirectly } from './domain';
import type { DomainAction, ModifyDomainRequest } from './domain';
import { getPrivacySetting, setPrivacySetting } from './privacy';
import type { SetPrivacySettingRequest } from './privacy';
import { bindTester, listTesters, unbindTester } from './tester';
import { uploadAuditMedia, uploadPrivacyExtFile, uploadTempMedia } from '../media';
import type { TempMediaType } from '../media';
import type { CallOptions, UploadFile } from '../transport';

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
  commit(request: CommitRequest) { return commit(this.client, request); }
  getPage() { return getPage(this.client); }
  submitAudit(request?: SubmitAuditRequest) { return submitAudit(this.client, request); }
  getAuditStatus(auditId: number) { return getAuditStatus(this.client, auditId); }
  getLatestAuditStatus() { return getLatestAuditStatus(this.client); }
  undoCodeAudit() { return undoCodeAudit(this.client); }
  speedupAudit(auditId: number) { return speedupAudit(this.client, auditId); }
  release() { return release(this.client); }
  revertCodeRelease(appVersion?: number) { return revertCodeRelease(this.client, appVersion); }
  getHistoryVersions() { return getHistoryVersions(this.client); }
  grayRelease(request: GrayReleaseRequest) { return grayRelease(this.client, request); }
  getGrayReleasePlan() { return getGrayReleasePlan(this.client); }
  revertGrayRelease() { return revertGrayRelease(this.client); }
  changeVisitStatus(action: 'open' | 'close') { return changeVisitStatus(this.client, action); }
  getCategory() { return getCategory(this.client); }
  getVersionInfo() { return getVersionInfo(this.client); }
  queryAuditQuota() { return queryAuditQuota(this.client); }

  // domains
  modifyDomain(request: ModifyDomainRequest) { return modifyDomain(this.client, request); }
  modifyDomainDirectly(request: ModifyDomainRequest) { return modifyDomainDirectly(this.client, request); }
  getEffectiveDomain() { return getEffectiveDomain(this.client); }
  setWebviewDomain(request: { readonly action: DomainAction; readonly webviewdomain?: readonly string[] }) {
    return setWebviewDomain(this.client, request);
  }
  setWebviewDomainDirectly(request: { readonly action: DomainAction; readonly webviewdomain?: readonly string[] }) {
    return setWebviewDomainDirectly(this.client, request);
  }
  getEffectiveWebviewDomain() { return getEffectiveWebviewDomain(this.client); }

  // testers
  bindTester(wechatId: string) { return bindTester(this.client, wechatId); }
  unbindTester(who: { readonly wechatid: string } | { readonly userstr: string }) { return unbindTester(this.client, who); }
  listTesters() { return listTesters(this.client); }

  // basic info
  getAccountBasicInfo() { return getAccountBasicInfo(this.client); }
  modifySignature(signature: string) { return modifySignature(this.client, signature); }
  modifyHeadImage(request: Parameters<typeof modifyHeadImage>[1]) { return modifyHeadImage(this.client, request); }
  setNickname(request: SetNicknameRequest) { return setNickname(this.client, request); }
  queryNickname(auditId: number) { return queryNickname(this.client, auditId); }
  checkNickname(nickname: string) { return checkNickname(this.client, nickname); }

  // privacy
  setPrivacySetting(request: SetPrivacySettingRequest) { return setPrivacySetting(this.client, request); }
  getPrivacySetting(privacyVer?: 1 | 2) { return getPrivacySetting(this.client, privacyVer); }

  // open-platform account
  createOpenAccount() { return createOpenAccount(this.client, this.appId); }
  bindOpenAccount(openAppId: string) { return bindOpenAccount(this.client, this.appId, openAppId); }
  unbindOpenAccount(openAppId: string) { return unbindOpenAccount(this.client, this.appId, openAppId); }
  getOpenAccount() { return getOpenAccount(this.client, this.appId); }
  hasOpenAccount() { return hasOpenAccount(this.client); }

  // uploads (media ids for three days)
  uploadTempMedia(type: TempMediaType, file: UploadFile, options?: CallOptions) { return uploadTempMedia(this.client, type, file, options); }
  uploadAuditMedia(file: UploadFile, options?: CallOptions) { return uploadAuditMedia(this.client, file, options); }
  uploadPrivacyExtFile(file: UploadFile, options?: CallOptions) { return uploadPrivacyExtFile(this.client, file, options); }

  // quota and options
  clearQuota() { return clearAuthorizerQuota(this.client, this.appId); }
  getApiQuota(cgiPath: string) { return getApiQuota(this.client, cgiPath); }
  getOption(optionName: AuthorizerOptionName) { return getOwnAuthorizerOption(this.client, optionName); }
  setOption(optionName: AuthorizerOptionName, optionValue: string | number) { return setOwnAuthorizerOption(this.client, optionName, optionValue); }
}
