import { isKnownMessage, isUserMessage, parseXml, toMessage } from '@wxopen/core';

/** The samples of PROTOCOL.md §3.3 abbreviate the header as `…`; this is the header they share. */
const HEAD =
  '<ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime>';
const parse = (xml: string) => toMessage(parseXml(xml));
const message = (body: string) => parse(`<xml>${HEAD}${body}</xml>`);
const event = (name: string, body: string) => message(`<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${name}]]></Event>${body}`);
const header = { ToUserName: 'toUser', FromUserName: 'fromUser', CreateTime: 1348831860 };

describe('toMessage: ordinary messages (PROTOCOL.md §3.3)', () => {
  it('reads the text sample with CreateTime as a number and MsgId as a string', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>',
    );
    expect(msg).toEqual({ ...header, MsgType: 'text', Content: 'this is a test', MsgId: '1234567890123456' });
  });

  it('keeps a 64-bit MsgId exactly (the 全网发布 push of vector 22)', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[gh_3c884a361561]]></ToUserName>\n<FromUserName><![CDATA[ozy4qt5QUADNXORxCVipKMV9dss0]]></FromUserName>\n<CreateTime>1502333968</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[TESTCOMPONENT_MSG_TYPE_TEXT]]></Content>\n<MsgId>6452475260636675311</MsgId>\n</xml>',
    );
    expect(msg).toMatchObject({ MsgType: 'text', Content: 'TESTCOMPONENT_MSG_TYPE_TEXT', MsgId: '6452475260636675311', CreateTime: 1502333968 });
  });

  it('keeps the optional MsgDataId and Idx of a text sent from an article, and leaves them absent otherwise', () => {
    const fromArticle = message('<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId><MsgDataId>22</MsgDataId><Idx>1</Idx>');
    expect(fromArticle).toMatchObject({ MsgDataId: '22', Idx: '1' });
    const plain = message('<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>');
    expect(plain).not.toHaveProperty('MsgDataId');
    expect(plain).not.toHaveProperty('Idx');
    expect(plain).not.toHaveProperty('BusinessId');
  });

  it('reads the image sample', () => {
    const msg = message('<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[this is a url]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId>');
    expect(msg).toEqual({ ...header, MsgType: 'image', PicUrl: 'this is a url', MediaId: 'media_id', MsgId: '1234567890123456' });
  });

  it('reads the voice sample, with Recognition and MediaId16K when present', () => {
    const msg = message('<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[Format]]></Format><MsgId>1234567890123456</MsgId>');
    expect(msg).toEqual({ ...header, MsgType: 'voice', MediaId: 'media_id', Format: 'Format', MsgId: '1234567890123456' });
    const recognised = message(
      '<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[腾讯微信团队]]></Recognition><MediaId16K>m16</MediaId16K><MsgId>1</MsgId>',
    );
    expect(recognised).toMatchObject({ Recognition: '腾讯微信团队', MediaId16K: 'm16' });
  });

  it('reads the video and shortvideo samples', () => {
    expect(message('<MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>7</MsgId>')).toEqual({
      ...header,
      MsgType: 'video',
      MediaId: 'media_id',
      ThumbMediaId: 'thumb_media_id',
      MsgId: '7',
    });
    expect(message('<MsgType><![CDATA[shortvideo]]></MsgType><MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId><MsgId>8</MsgId>')).toEqual({
      ...header,
      MsgType: 'shortvideo',
      MediaId: 'm',
      ThumbMediaId: 't',
      MsgId: '8',
    });
  });

  it('reads the location sample with coordinates kept as strings', () => {
    const msg = message('<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>9</MsgId>');
    expect(msg).toEqual({ ...header, MsgType: 'location', Location_X: '23.134521', Location_Y: '113.358803', Scale: '20', Label: '位置信息', MsgId: '9' });
  });

  it('reads the link sample', () => {
    const msg = message('<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[公众平台官网链接]]></Description><Url><![CDATA[url]]></Url><MsgId>10</MsgId>');
    expect(msg).toEqual({ ...header, MsgType: 'link', Title: '公众平台官网链接', Description: '公众平台官网链接', Url: 'url', MsgId: '10' });
  });

  it('reads a mini-program card', () => {
    const msg = message(
      '<MsgType><![CDATA[miniprogrampage]]></MsgType><MsgId>11</MsgId><Title><![CDATA[title]]></Title><AppId><![CDATA[wxabc]]></AppId><PagePath><![CDATA[pages/index]]></PagePath><ThumbUrl><![CDATA[http://t]]></ThumbUrl><ThumbMediaId><![CDATA[tm]]></ThumbMediaId>',
    );
    expect(msg).toEqual({ ...header, MsgType: 'miniprogrampage', MsgId: '11', Title: 'title', AppId: 'wxabc', PagePath: 'pages/index', ThumbUrl: 'http://t', ThumbMediaId: 'tm' });
  });
});

describe('toMessage: events (PROTOCOL.md §3.4)', () => {
  it('reads the subscribe sample with EventKey and Ticket', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>',
    );
    expect(msg).toEqual({ ToUserName: 'toUser', FromUserName: 'FromUser', CreateTime: 123456789, MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_123123', Ticket: 'TICKET' });
  });

  it('leaves EventKey and Ticket absent on a plain subscribe', () => {
    const msg = event('subscribe', '');
    expect(msg).toEqual({ ...header, MsgType: 'event', Event: 'subscribe' });
  });

  it('reads the scancode_push sample with its nested ScanCodeInfo', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName><CreateTime>1408090502</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>',
    );
    expect(msg).toEqual({
      ToUserName: 'gh_e136c6e50636',
      FromUserName: 'oMgHVjngRipVsoxg6TuX3vz6glDg',
      CreateTime: 1408090502,
      MsgType: 'event',
      Event: 'scancode_push',
      EventKey: '6',
      ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' },
    });
  });

  it('turns the one picture of the pic_sysphoto sample into a one-item array', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName><CreateTime>1408090651</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[pic_sysphoto]]></Event><EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>',
    );
    expect(msg).toMatchObject({
      Event: 'pic_sysphoto',
      EventKey: '6',
      SendPicsInfo: { Count: '1', PicList: { item: [{ PicMd5Sum: '1b5f7c23b5bf75682a53e7b6d163e185' }] } },
    });
  });

  it('keeps two pictures as a two-item array', () => {
    const msg = event(
      'pic_photo_or_album',
      '<EventKey>6</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo>',
    );
    expect(msg).toMatchObject({ SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } } });
  });

  it('joins the items of a PicList that WeChat split in two (`</PicList><PicList>`)', () => {
    const msg = event(
      'pic_weixin',
      '<EventKey>6</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item></PicList><PicList><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo>',
    );
    expect(msg).toMatchObject({ SendPicsInfo: { PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } } });
  });

  it('gives an empty PicList an empty item array', () => {
    const msg = event('pic_weixin', '<EventKey>6</EventKey><SendPicsInfo><Count>0</Count><PicList></PicList></SendPicsInfo>');
    expect(msg).toMatchObject({ SendPicsInfo: { Count: '0', PicList: { item: [] } } });
  });

  it('reads the location_select sample, an empty Poiname included', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName><CreateTime>1408091189</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[location_select]]></Event><EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo></xml>',
    );
    expect(msg).toMatchObject({
      Event: 'location_select',
      SendLocationInfo: { Location_X: '23', Location_Y: '113', Scale: '15', Label: '广州市海珠区客村艺苑路 106号', Poiname: '' },
    });
  });

  it('reads the subscribe_msg_popup_event sample with two List entries', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName><CreateTime>1610969440</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List><List><TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>',
    );
    expect(msg).toMatchObject({
      Event: 'subscribe_msg_popup_event',
      SubscribeMsgPopupEvent: {
        List: [
          { TemplateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc', SubscribeStatusString: 'accept', PopupScene: '2' },
          { TemplateId: '9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI', SubscribeStatusString: 'reject', PopupScene: '2' },
        ],
      },
    });
  });

  it('turns a single subscribe_msg List entry into a one-item array', () => {
    const change = event(
      'subscribe_msg_change_event',
      '<SubscribeMsgChangeEvent><List><TemplateId>t</TemplateId><SubscribeStatusString>reject</SubscribeStatusString></List></SubscribeMsgChangeEvent>',
    );
    expect(change).toMatchObject({ SubscribeMsgChangeEvent: { List: [{ TemplateId: 't', SubscribeStatusString: 'reject' }] } });
    const sent = event(
      'subscribe_msg_sent_event',
      '<SubscribeMsgSentEvent><List><TemplateId>t</TemplateId><MsgID>1700827132819225605</MsgID><ErrorCode>0</ErrorCode><ErrorStatus>success</ErrorStatus></List></SubscribeMsgSentEvent>',
    );
    expect(sent).toMatchObject({ SubscribeMsgSentEvent: { List: [{ TemplateId: 't', MsgID: '1700827132819225605', ErrorCode: '0', ErrorStatus: 'success' }] } });
  });

  it('reads the weapp_audit_fail sample with its HTML reason and piped screenshots', () => {
    const msg = parse(
      '<xml><ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName><FromUserName><![CDATA[od1P50M-fNQI5Gcq-trm4a7apsU8]]></FromUserName><CreateTime>1488856591</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_fail]]></Event><Reason><![CDATA[1:账号信息不符合规范:<br>(1):包含色情因素<br>…]]></Reason><FailTime>1488856591</FailTime><ScreenShot>xxx|yyy|zzz</ScreenShot></xml>',
    );
    expect(msg).toMatchObject({ Event: 'weapp_audit_fail', Reason: '1:账号信息不符合规范:<br>(1):包含色情因素<br>…', FailTime: '1488856591', ScreenShot: 'xxx|yyy|zzz' });
  });

  it('reads TEMPLATESENDJOBFINISH with MsgID as a string', () => {
    expect(event('TEMPLATESENDJOBFINISH', '<MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>')).toMatchObject({ MsgID: '200163836', Status: 'success' });
  });

  it('reads MASSSENDJOBFINISH with its copyright and URL result lists as arrays', () => {
    const msg = event(
      'MASSSENDJOBFINISH',
      `<MsgID>1000001625</MsgID><Status><![CDATA[err(30003)]]></Status><TotalCount>0</TotalCount><FilterCount>0</FilterCount><SentCount>0</SentCount><ErrorCount>0</ErrorCount>
      <CopyrightCheckResult><Count>2</Count><ResultList>
        <item><ArticleIdx>1</ArticleIdx><UserDeclareState>0</UserDeclareState><AuditState>2</AuditState><OriginalArticleUrl><![CDATA[Url_1]]></OriginalArticleUrl><OriginalArticleType>1</OriginalArticleType><CanReprint>1</CanReprint><NeedReplaceContent>1</NeedReplaceContent><NeedShowReprintSource>1</NeedShowReprintSource></item>
        <item><ArticleIdx>2</ArticleIdx><UserDeclareState>0</UserDeclareState><AuditState>2</AuditState><OriginalArticleUrl><![CDATA[Url_2]]></OriginalArticleUrl><OriginalArticleType>1</OriginalArticleType><CanReprint>1</CanReprint><NeedReplaceContent>1</NeedReplaceContent><NeedShowReprintSource>1</NeedShowReprintSource></item>
      </ResultList><CheckState>2</CheckState></CopyrightCheckResult>
      <ArticleUrlResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx><ArticleUrl><![CDATA[Url]]></ArticleUrl></item></ResultList></ArticleUrlResult>`,
    );
    expect(msg).toMatchObject({
      MsgID: '1000001625',
      Status: 'err(30003)',
      TotalCount: '0',
      CopyrightCheckResult: { Count: '2', CheckState: '2', ResultList: { item: [{ ArticleIdx: '1', OriginalArticleUrl: 'Url_1' }, { ArticleIdx: '2' }] } },
      ArticleUrlResult: { Count: '1', ResultList: { item: [{ ArticleIdx: '1', ArticleUrl: 'Url' }] } },
    });
  });

  it('leaves the copyright result of a non-article mass send absent', () => {
    const msg = event('MASSSENDJOBFINISH', '<MsgID>1</MsgID><Status>send success</Status><TotalCount>1</TotalCount><FilterCount>1</FilterCount><SentCount>1</SentCount><ErrorCount>0</ErrorCount>');
    expect(msg).not.toHaveProperty('CopyrightCheckResult');
    expect(msg).not.toHaveProperty('ArticleUrlResult');
  });

  it.each(['PUBLISHJOBFINISH', 'FREEPUBLISHJOBFINISH'])('reads %s with article_detail items and fail_idx as arrays', (name) => {
    const one = event(
      name,
      '<PublishEventInfo><publish_id>2247503051</publish_id><publish_status>0</publish_status><article_id><![CDATA[b5O2]]></article_id><article_detail><count>1</count><item><idx>1</idx><article_url><![CDATA[ARTICLE_URL]]></article_url></item></article_detail><fail_idx>1</fail_idx></PublishEventInfo>',
    );
    expect(one).toMatchObject({
      Event: name,
      PublishEventInfo: { publish_id: '2247503051', publish_status: '0', article_id: 'b5O2', article_detail: { count: '1', item: [{ idx: '1', article_url: 'ARTICLE_URL' }] }, fail_idx: ['1'] },
    });
    const two = event(name, '<PublishEventInfo><publish_id>1</publish_id><publish_status>2</publish_status><fail_idx>1</fail_idx><fail_idx>2</fail_idx></PublishEventInfo>');
    expect(two).toMatchObject({ PublishEventInfo: { fail_idx: ['1', '2'] } });
    expect((two as { PublishEventInfo: object }).PublishEventInfo).not.toHaveProperty('article_detail');
  });

  it('reads the customer-service session events', () => {
    expect(event('kf_create_session', '<KfAccount><![CDATA[test1@test]]></KfAccount>')).toMatchObject({ Event: 'kf_create_session', KfAccount: 'test1@test' });
    expect(event('kf_close_session', '<KfAccount>a@b</KfAccount>')).toMatchObject({ KfAccount: 'a@b' });
    expect(event('kf_switch_session', '<FromKfAccount>a@b</FromKfAccount><ToKfAccount>c@d</ToKfAccount>')).toMatchObject({ FromKfAccount: 'a@b', ToKfAccount: 'c@d' });
  });

  it('reads user_authorization_revoke and a user_info_modified without openid', () => {
    expect(event('user_authorization_revoke', '<OpenID><![CDATA[owAq]]></OpenID><AppID><![CDATA[wx13]]></AppID><RevokeInfo><![CDATA[1]]></RevokeInfo>')).toMatchObject({
      OpenID: 'owAq',
      AppID: 'wx13',
      RevokeInfo: '1',
    });
    const modified = event('user_info_modified', '<AppID>wx13</AppID>');
    expect(modified).toMatchObject({ Event: 'user_info_modified', AppID: 'wx13' });
    expect(modified).not.toHaveProperty('OpenID');
  });

  it('reads the verification events', () => {
    expect(event('qualification_verify_success', '<ExpiredTime>1442401156</ExpiredTime>')).toMatchObject({ ExpiredTime: '1442401156' });
    expect(event('naming_verify_fail', '<FailTime>1442401122</FailTime><FailReason><![CDATA[by time]]></FailReason>')).toMatchObject({ FailTime: '1442401122', FailReason: 'by time' });
    expect(event('annual_renew', '<ExpiredTime>1</ExpiredTime>')).toMatchObject({ Event: 'annual_renew', ExpiredTime: '1' });
    expect(event('verify_expired', '<ExpiredTime>2</ExpiredTime>')).toMatchObject({ Event: 'verify_expired', ExpiredTime: '2' });
  });

  it('reads the mini-program review events', () => {
    expect(event('weapp_audit_success', '<SuccTime>1488856741</SuccTime>')).toMatchObject({ SuccTime: '1488856741' });
    expect(event('weapp_audit_delay', '<Reason>r</Reason><DelayTime>1</DelayTime>')).toMatchObject({ Reason: 'r', DelayTime: '1' });
    expect(event('wxa_nickname_audit', '<ret>2</ret><nickname>n</nickname><reason>r</reason>')).toMatchObject({ ret: '2', nickname: 'n', reason: 'r' });
    expect(event('wxa_category_audit', '<ret>2</ret><first>1</first><second>2</second><reason><![CDATA[驳回原因]]></reason>')).toMatchObject({ first: '1', second: '2', reason: '驳回原因' });
    expect(event('user_enter_tempsession', '<SessionFrom><![CDATA[sessionid]]></SessionFrom>')).toMatchObject({ SessionFrom: 'sessionid' });
    expect(event('debug_demo', '<debug_str><![CDATA[hello]]></debug_str>')).toMatchObject({ debug_str: 'hello' });
  });

  it('reads wxa_privacy_apply with its nested result_info', () => {
    const msg = event(
      'wxa_privacy_apply',
      '<result_info><api_name>wx.choosePoi</api_name><apply_time>1644805538</apply_time><audit_id>421609337</audit_id><audit_time>1644828435</audit_time><reason>小程序内未含有相应使用场景</reason><status>2</status></result_info>',
    );
    expect(msg).toMatchObject({ result_info: { api_name: 'wx.choosePoi', audit_id: '421609337', reason: '小程序内未含有相应使用场景', status: '2' } });
  });

  it('reads wxa_appeal_record with material and proof ids as arrays, one or two of each', () => {
    const msg = event(
      'wxa_appeal_record',
      `<appeal_record_id>4111001</appeal_record_id><appid>wxaaaa</appid><appeal_time>1600055800</appeal_time><appeal_count>1</appeal_count><appeal_from>0</appeal_from><appeal_status>1</appeal_status><punish_description><![CDATA[内容涉嫌欺诈]]></punish_description>
      <material><illegal_material><content>违规内容1</content><content_url>https://xxxxx</content_url></illegal_material><appeal_material><reason>内容是正常的</reason><proof_material_id>xxxx</proof_material_id><proof_material_id>yyyy</proof_material_id></appeal_material></material>
      <material><illegal_material><content>违规内容2</content><content_url>https://yyyyy</content_url></illegal_material><appeal_material><reason>内容是正常的</reason><proof_material_id>zzzz</proof_material_id></appeal_material></material>`,
    );
    expect(msg).toMatchObject({
      appeal_record_id: '4111001',
      appeal_status: '1',
      material: [
        { illegal_material: { content: '违规内容1' }, appeal_material: { proof_material_id: ['xxxx', 'yyyy'] } },
        { illegal_material: { content: '违规内容2' }, appeal_material: { proof_material_id: ['zzzz'] } },
      ],
    });
    expect(msg).not.toHaveProperty('audit_time');
    const single = event('wxa_appeal_record', '<appeal_record_id>1</appeal_record_id><material><illegal_material><content>c</content><content_url>u</content_url></illegal_material><appeal_material><reason>r</reason><proof_material_id>p</proof_material_id></appeal_material></material>');
    expect((single as { material: unknown[] }).material).toHaveLength(1);
  });

  it('reads both versions of wxa_media_check, detail always an array', () => {
    const v1 = event('wxa_media_check', '<appid>wx1</appid><trace_id>t1</trace_id><isrisky>0</isrisky><extra_info_json></extra_info_json><status_code>0</status_code>');
    expect(v1).toMatchObject({ appid: 'wx1', trace_id: 't1', isrisky: '0', extra_info_json: '', status_code: '0' });
    const v2 = event(
      'wxa_media_check',
      '<appid>wx1</appid><trace_id>t2</trace_id><version>2</version><result><suggest>pass</suggest><label>100</label></result><detail><strategy>content_model</strategy><errcode>0</errcode><suggest>pass</suggest><label>100</label><prob>90</prob></detail>',
    );
    expect(v2).toMatchObject({ version: '2', result: { suggest: 'pass', label: '100' }, detail: [{ strategy: 'content_model', errcode: '0', prob: '90' }] });
  });

  it.each(['betaapp_verify_event', 'betaapp_verify_apply_event'])('reads %s with its misspelt ApplyAuthorizationInfoNoitfy', (name) => {
    const msg = event(name, '<ApplyAuthorizationInfoNoitfy><appid><![CDATA[wxa]]></appid><mp_appid><![CDATA[wxm]]></mp_appid><status><![CDATA[0]]></status><operation_time><![CDATA[1]]></operation_time></ApplyAuthorizationInfoNoitfy>');
    expect(msg).toMatchObject({ Event: name, ApplyAuthorizationInfoNoitfy: { appid: 'wxa', mp_appid: 'wxm', status: '0', operation_time: '1' } });
  });

  it('reads the LOCATION, CLICK, VIEW, SCAN, unsubscribe and view_miniprogram events', () => {
    expect(event('LOCATION', '<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>')).toMatchObject({ Latitude: '23.137466', Longitude: '113.352425', Precision: '119.385040' });
    expect(event('CLICK', '<EventKey>EVENTKEY</EventKey>')).toMatchObject({ EventKey: 'EVENTKEY' });
    expect(event('VIEW', '<EventKey>www.qq.com</EventKey><MenuId>MENUID</MenuId>')).toMatchObject({ EventKey: 'www.qq.com', MenuId: 'MENUID' });
    expect(event('SCAN', '<EventKey>SCENE_VALUE</EventKey><Ticket>TICKET</Ticket>')).toMatchObject({ EventKey: 'SCENE_VALUE', Ticket: 'TICKET' });
    expect(event('unsubscribe', '<EventKey></EventKey>')).toMatchObject({ Event: 'unsubscribe', EventKey: '' });
    expect(event('view_miniprogram', '<EventKey>pages/index</EventKey><MenuId>1</MenuId>')).toMatchObject({ EventKey: 'pages/index', MenuId: '1' });
  });
});

describe('toMessage: normalisation rules', () => {
  it('returns null-prototype records that hold only their own data, nested records included', () => {
    const msg = event('scancode_waitmsg', '<EventKey>6</EventKey><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>1</ScanResult></ScanCodeInfo><Extra><a>1</a></Extra>');
    expect(Object.getPrototypeOf(msg)).toBeNull();
    const nested = msg as unknown as { ScanCodeInfo: object; Extra: object };
    expect(Object.getPrototypeOf(nested.ScanCodeInfo)).toBeNull();
    expect(Object.getPrototypeOf(nested.Extra)).toBeNull();
  });

  it('does not share structure with the parsed record', () => {
    const record = parseXml(`<xml>${HEAD}<MsgType>event</MsgType><Event>scancode_push</Event><EventKey>6</EventKey><ScanCodeInfo><ScanType>q</ScanType><ScanResult>1</ScanResult></ScanCodeInfo></xml>`);
    const msg = toMessage(record) as { ScanCodeInfo: unknown };
    expect(msg.ScanCodeInfo).not.toBe(record['ScanCodeInfo']);
  });

  it('keeps fields wxopen does not declare on a known kind (WeChat adds fields)', () => {
    expect(message('<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId><NewField>x</NewField>')).toMatchObject({ NewField: 'x' });
  });

  it('gives a missing required string the empty string and a missing nested record its defaults', () => {
    const text = message('<MsgType>text</MsgType><MsgId>1</MsgId>');
    expect(text).toMatchObject({ Content: '' });
    const scan = event('scancode_push', '<EventKey>6</EventKey>');
    expect(scan).toMatchObject({ ScanCodeInfo: { ScanType: '', ScanResult: '' } });
    const popup = event('subscribe_msg_popup_event', '<SubscribeMsgPopupEvent></SubscribeMsgPopupEvent>');
    expect(popup).toMatchObject({ SubscribeMsgPopupEvent: { List: [] } });
  });

  it('refuses a scalar element that repeats, naming it (neither occurrence is the honest value)', () => {
    expect(() => message('<MsgType>text</MsgType><Content>first</Content><Content>second</Content><MsgId>1</MsgId>')).toThrow(
      expect.objectContaining({ code: 'ERR_XML', detail: 'element Content repeats but may occur once' }),
    );
  });

  it('turns a missing or non-numeric CreateTime into 0', () => {
    expect(parse('<xml><MsgType>text</MsgType><Content>x</Content></xml>').CreateTime).toBe(0);
    expect(parse('<xml><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>').CreateTime).toBe(0);
  });

  it('returns an unknown MsgType as UnknownMessage with every raw field, nested ones as plain objects', () => {
    const msg = message('<MsgType><![CDATA[file]]></MsgType><Title>t</Title><Nested><a>1</a><a>2</a></Nested><MsgId>5</MsgId>');
    expect(msg).toEqual({ ...header, MsgType: 'file', Title: 't', Nested: { a: ['1', '2'] }, MsgId: '5' });
    expect(isKnownMessage(msg)).toBe(false);
  });

  it('returns an unknown Event as UnknownMessage that keeps its Event', () => {
    const msg = event('brand_new_event', '<Thing>1</Thing>');
    expect(msg).toEqual({ ...header, MsgType: 'event', Event: 'brand_new_event', Thing: '1' });
    expect(isKnownMessage(msg)).toBe(false);
  });

  it('does not take inherited names such as toString for known kinds', () => {
    expect(isKnownMessage(message('<MsgType>toString</MsgType>'))).toBe(false);
    expect(isKnownMessage(event('hasOwnProperty', ''))).toBe(false);
  });

  it('recognises every known kind with isKnownMessage', () => {
    expect(isKnownMessage(message('<MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId>'))).toBe(true);
    expect(isKnownMessage(event('subscribe', ''))).toBe(true);
  });

  it('tells user messages from events with isUserMessage', () => {
    expect(isUserMessage({ MsgType: 'text' })).toBe(true);
    expect(isUserMessage({ MsgType: 'location' })).toBe(true);
    expect(isUserMessage({ MsgType: 'event' })).toBe(false);
    expect(isUserMessage({ MsgType: 'file' })).toBe(false);
  });
});
