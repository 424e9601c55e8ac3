// app/wechat/callback/[appid]/route.ts — the message URL of every authorizer, configured as …/callback/$APPID$.
import { messageCallback } from '@wxopen/fetch';
import { platform } from '../../../../platform';

export const GET = messageCallback(platform);
export const POST = GET;
