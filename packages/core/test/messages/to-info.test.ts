import { isKnownInfo, parseXml, toInfo } from '@wxopen/core';

const parse = (xml: string) => toInfo(parseXml(xml));
const info = (type: string, body: string) =>
  parse(`<xml><AppId><![CDATA[wxcomponent]]></AppId><CreateTime>1535442403</CreateTime><InfoType><![CDATA[${type}]]></InfoType>${body}</xml>`);
const header = { AppId: 'wxcomponent', CreateTime: 1535442403 };

describe('toInfo (PROTOCOL.md §3.1)', () => {
  it('reads the component_verify_ticket doc sample', () => {
    const got = parse(
      '<xml>\n<AppId>some_appid</AppId>\n<CreateTime>1413192605</CreateTime>\n<InfoType>component_verify_ticket</InfoType>\n<ComponentVerifyTicket>some_verify_ticket</ComponentVerifyTicket>\n</xml>',
    );
    expect(got).toEqual({ AppId: 'some_appid', CreateTime: 1413192605, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'some_verify_ticket' });
  });

  it('reads the real ticket push of vector 23', () => {
    const got = parse(
      '<xml><AppId><![CDATA[wx77ea274ef9f3e504]]></AppId>\n<CreateTime>1501922250</CreateTime>\n<InfoType><![CDATA[component_verify_ticket]]></InfoType>\n<ComponentVerifyTicket><![CDATA[ticket@@@Y3A9JYeLevK4T45J-1xiHtWVJJTy54OELd8ODMWlHcUpcsC_ypBaPv93XxZUpJBoj645JkbI7uSLEN360gh-og]]></ComponentVerifyTicket>\n</xml>',
    );
    expect(got).toMatchObject({ AppId: 'wx77ea274ef9f3e504', CreateTime: 1501922250, ComponentVerifyTicket: expect.stringMatching(/^ticket@@@/) });
  });

  it('reads the authorized doc sample with its PreAuthCode', () => {
    const got = parse(
      '<xml>\n<AppId>第三方平台appid</AppId>\n<CreateTime>1413192760</CreateTime>\n<InfoType>authorized</InfoType>\n<AuthorizerAppid>公众号appid</AuthorizerAppid>\n<AuthorizationCode>授权码</AuthorizationCode>\n<AuthorizationCodeExpiredTime>过期时间</AuthorizationCodeExpiredTime>\n<PreAuthCode>预授权码</PreAuthCode>\n</xml>',
    );
    expect(got).toEqual({
      AppId: '第三方平台appid',
      CreateTime: 1413192760,
      InfoType: 'authorized',
      AuthorizerAppid: '公众号appid',
      AuthorizationCode: '授权码',
      AuthorizationCodeExpiredTime: '过期时间',
      PreAuthCode: '预授权码',
    });
  });

  it('leaves PreAuthCode absent on the real authorized push of vector 24', () => {
    const got = parse(
      '<xml><AppId><![CDATA[wx77ea274ef9f3e504]]></AppId>\n<CreateTime>1501924817</CreateTime>\n<InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[wx570bc396a51b8ff8]]></AuthorizerAppid><AuthorizationCode><![CDATA[queryauthcode@@@AWLdg-]]></AuthorizationCode><AuthorizationCodeExpiredTime><![CDATA[1501928417]]></AuthorizationCodeExpiredTime></xml>',
    );
    expect(got).toMatchObject({ AuthorizerAppid: 'wx570bc396a51b8ff8', AuthorizationCodeExpiredTime: '1501928417' });
    expect(got).not.toHaveProperty('PreAuthCode');
  });

  it('reads updateauthorized and unauthorized', () => {
    expect(info('updateauthorized', '<AuthorizerAppid>wxa</AuthorizerAppid><AuthorizationCode>c</AuthorizationCode><AuthorizationCodeExpiredTime>1</AuthorizationCodeExpiredTime>')).toMatchObject({
      InfoType: 'updateauthorized',
      AuthorizerAppid: 'wxa',
    });
    expect(info('unauthorized', '<AuthorizerAppid>wxa</AuthorizerAppid>')).toEqual({ ...header, InfoType: 'unauthorized', AuthorizerAppid: 'wxa' });
  });

  it('reads the notify_third_fasteregister doc sample with its nested info', () => {
    const got = parse(
      '<xml>\n<AppId><![CDATA[第三方平台appid]]></AppId>\n<CreateTime>1535442403</CreateTime>\n<InfoType><![CDATA[notify_third_fasteregister]]></InfoType>\n<appid>创建小程序appid</appid>\n<status>0</status>\n<auth_code>xxxxx第三方授权码</auth_code>\n<msg>OK</msg>\n<info>\n<name><![CDATA[企业名称]]></name>\n<code><![CDATA[企业代码]]></code>\n<code_type>1</code_type>\n<legal_persona_wechat><![CDATA[法人微信号]]></legal_persona_wechat>\n<legal_persona_name><![CDATA[法人姓名]]></legal_persona_name>\n<component_phone><![CDATA[第三方联系电话]]></component_phone>\n</info>\n</xml>',
    );
    expect(got).toEqual({
      AppId: '第三方平台appid',
      CreateTime: 1535442403,
      InfoType: 'notify_third_fasteregister',
      appid: '创建小程序appid',
      status: '0',
      auth_code: 'xxxxx第三方授权码',
      msg: 'OK',
      info: { name: '企业名称', code: '企业代码', code_type: '1', legal_persona_wechat: '法人微信号', legal_persona_name: '法人姓名', component_phone: '第三方联系电话' },
    });
  });

  it('reads the personal variant of notify_third_fasteregister', () => {
    const got = info('notify_third_fasteregister', '<appid>wxa</appid><status>0</status><auth_code>c</auth_code><msg>OK</msg><info><wxuser>w</wxuser><idname>n</idname><component_phone>1</component_phone></info>');
    expect(got).toMatchObject({ info: { wxuser: 'w', idname: 'n', component_phone: '1' } });
  });

  it('reads the notify_third_fastregisterbetaapp doc sample', () => {
    const got = parse(
      '<xml>\n<AppId><![CDATA[第三方平台appid]]></AppId>\n<CreateTime>1535442403</CreateTime>\n<InfoType><![CDATA[notify_third_fastregisterbetaapp]]></InfoType>\n<appid>创建小程序appid</appid>\n<status>0</status>\n<msg>OK</msg>\n<info>\n<unique_id><![CDATA[unique_id]]></unique_id>\n<name><![CDATA[小程序名称]]></name>\n</info>\n</xml>',
    );
    expect(got).toMatchObject({ appid: '创建小程序appid', status: '0', msg: 'OK', info: { unique_id: 'unique_id', name: '小程序名称' } });
  });

  it('reads notify_third_fastverifybetaapp', () => {
    const got = info('notify_third_fastverifybetaapp', '<appid><![CDATA[wxa]]></appid><status>0</status><msg>OK</msg><info><name>n</name><code>c</code><code_type>1</code_type><legal_persona_wechat>w</legal_persona_wechat><legal_persona_name>p</legal_persona_name><component_phone>1</component_phone></info>');
    expect(got).toMatchObject({ appid: 'wxa', info: { name: 'n', code_type: '1' } });
  });

  it('reads notify_3rd_wxa_auth with its dispatch_info, and without it', () => {
    const got = info(
      'notify_3rd_wxa_auth',
      '<appid><![CDATA[wxaf]]></appid><task_status>0</task_status><message><![CDATA[资料检验成功，等待管理员授权]]></message><taskid><![CDATA[048ae3]]></taskid><apply_status>0</apply_status><dispatch_info><provider><![CDATA[p]]></provider><contact><![CDATA[c]]></contact><dispatch_time>1700619300</dispatch_time></dispatch_info>',
    );
    expect(got).toMatchObject({ appid: 'wxaf', taskid: '048ae3', task_status: '0', apply_status: '0', dispatch_info: { provider: 'p', contact: 'c', dispatch_time: '1700619300' } });
    expect(info('notify_3rd_wxa_auth', '<appid>a</appid><taskid>t</taskid><task_status>1</task_status><apply_status>1</apply_status><message>m</message>')).not.toHaveProperty('dispatch_info');
  });

  it('reads the remaining InfoTypes', () => {
    expect(info('notify_3rd_wxa_wxverify', '<appid>a</appid><expired>1</expired><message>m</message>')).toMatchObject({ expired: '1', message: 'm' });
    expect(info('notify_icpfiling_verify_result', '<task_id>t</task_id><verify_appid>a</verify_appid><result>3</result>')).toMatchObject({ task_id: 't', verify_appid: 'a', result: '3' });
    expect(info('notify_apply_icpfiling_result', '<authorizer_appid>a</authorizer_appid><beian_status>1</beian_status>')).toMatchObject({ authorizer_appid: 'a', beian_status: '1' });
    expect(info('wxa_nickname_audit', '<ret>3</ret><nickname>n</nickname><reason></reason>')).toMatchObject({ ret: '3', nickname: 'n', reason: '' });
  });

  it('returns an unknown InfoType as UnknownInfo with every raw field', () => {
    const got = info('notify_something_new', '<x>1</x><y><z>2</z></y>');
    expect(got).toEqual({ ...header, InfoType: 'notify_something_new', x: '1', y: { z: '2' } });
    expect(isKnownInfo(got)).toBe(false);
    expect(isKnownInfo(info('unauthorized', '<AuthorizerAppid>a</AuthorizerAppid>'))).toBe(true);
  });

  it('returns a null-prototype record, nested records included', () => {
    const got = info('notify_third_fastregisterbetaapp', '<appid>a</appid><status>0</status><msg>m</msg><info><unique_id>u</unique_id><name>n</name></info>');
    expect(Object.getPrototypeOf(got)).toBeNull();
    expect(Object.getPrototypeOf((got as unknown as { info: object }).info)).toBeNull();
  });
});
