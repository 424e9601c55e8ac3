import { addToTemplate, deleteTemplate, getTemplateDraftList, getTemplateList } from '../../src/api/templates';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

let env: OnBehalf;
beforeEach(async () => {
  env = await onBehalf();
});
afterEach(() => env.close());

describe('code template library (component token in access_token)', () => {
  it('lists drafts, turns one into a template, lists templates by type and deletes one', async () => {
    const draft = env.fake.addDraft({ user_version: '3.0.0', user_desc: 'new checkout' });
    const { draft_list } = await getTemplateDraftList(env.componentAsAccessToken);
    expect(draft_list).toEqual([expect.objectContaining({ draft_id: draft.draft_id, user_version: '3.0.0', user_desc: 'new checkout' })]);

    await addToTemplate(env.componentAsAccessToken, draft.draft_id, 1);
    const standard = (await getTemplateList(env.componentAsAccessToken, 1)).template_list;
    expect(standard).toEqual([expect.objectContaining({ user_version: '3.0.0', template_type: 1 })]);
    expect((await getTemplateList(env.componentAsAccessToken, 0)).template_list).toEqual([]);

    const id = standard[0]?.template_id ?? -1;
    await deleteTemplate(env.componentAsAccessToken, id);
    expect((await getTemplateList(env.componentAsAccessToken)).template_list).toEqual([]);
  });

  it('sends the component token as access_token, which these endpoints require', async () => {
    await getTemplateDraftList(env.componentAsAccessToken);
    const sent = env.fake.requests.find((r) => r.path === '/wxa/gettemplatedraftlist');
    expect(sent?.query['access_token']).toBe(env.fake.state.componentToken);
    expect(sent?.query['component_access_token']).toBeUndefined();
    // The plain component client puts it in component_access_token, which the endpoint does not read.
    expect(await errcodeOf(getTemplateDraftList(env.component))).toBe(41001);
  });

  it('answers 85064 for an unknown draft or template and 85065 when the library is full', async () => {
    expect(await errcodeOf(addToTemplate(env.componentAsAccessToken, 404))).toBe(85064);
    expect(await errcodeOf(deleteTemplate(env.componentAsAccessToken, 404))).toBe(85064);
    env.fake.state.wxa.templateLibraryLimit = 1;
    env.fake.addTemplate();
    const draft = env.fake.addDraft();
    expect(await errcodeOf(addToTemplate(env.componentAsAccessToken, draft.draft_id))).toBe(85065);
  });
});
