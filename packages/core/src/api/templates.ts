/**
 * The platform's code template library (代码模板库): drafts uploaded from the developer tools become templates
 * that `wxa/commit` installs in authorized mini programs. These calls carry the **component** token in the
 * `access_token` parameter: give them a `Client` built on `asAccessTokenParam(componentTokens)`.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/ThirdParty/code_template/gettemplatedraftlist.html
 */
import type { Client, TokenSource } from './client';

export const TEMPLATE_API = Object.freeze({
  draftList: '/wxa/gettemplatedraftlist',
  addToTemplate: '/wxa/addtotemplate',
  templateList: '/wxa/gettemplatelist',
  deleteTemplate: '/wxa/deletetemplate',
});

/** A draft uploaded from the developer tools. Times are epoch seconds. */
export interface TemplateDraft {
  readonly create_time: number;
  readonly user_version: string;
  readonly user_desc: string;
  readonly draft_id: number;
  readonly source_miniprogram_appid?: string;
  readonly source_miniprogram?: string;
  readonly developer?: string;
}

/** 0 normal template, 1 standard template (标准模板). */
export type TemplateType = 0 | 1;

export interface CodeTemplate {
  readonly create_time: number;
  readonly user_version: string;
  readonly user_desc: string;
  readonly template_id: number;
  readonly template_type: TemplateType;
  readonly source_miniprogram_appid?: string;
  readonly source_miniprogram?: string;
  readonly developer?: string;
  /** Standard templates only: audit scene, status and reason. */
  readonly audit_scene?: number;
  readonly audit_status?: number;
  readonly reason?: string;
  readonly category_list?: readonly Readonly<Record<string, unknown>>[];
}

/**
 * The component's token source with the token in `?access_token=` instead of `?component_access_token=`, as the
 * template-library and beta-registration endpoints expect.
 */
export function asAccessTokenParam(componentTokens: TokenSource): TokenSource {
  return Object.freeze({
    param: 'access_token' as const,
    token: () => componentTokens.token(),
    refreshToken: (failed: string) => componentTokens.refreshToken(failed),
  });
}

/** `wxa/gettemplatedraftlist`. */
export function getTemplateDraftList(client: Client): Promise<{ readonly draft_list: readonly TemplateDraft[] }> {
  return client.getJSON(TEMPLATE_API.draftList);
}

/** `wxa/addtotemplate`: turns a draft into a template (85064 no such draft, 85065 library full). */
export async function addToTemplate(client: Client, draftId: number, templateType: TemplateType = 0): Promise<void> {
  await client.postJSON(TEMPLATE_API.addToTemplate, { draft_id: draftId, template_type: templateType });
}

/** `wxa/gettemplatelist`, all templates or those of one type. */
export function getTemplateList(client: Client, templateType?: TemplateType): Promise<{ readonly template_list: readonly CodeTemplate[] }> {
  return client.getJSON(TEMPLATE_API.templateList, { template_type: templateType });
}

/** `wxa/deletetemplate` (85064 no such template). */
export async function deleteTemplate(client: Client, templateId: number): Promise<void> {
  await client.postJSON(TEMPLATE_API.deleteTemplate, { template_id: templateId });
}
