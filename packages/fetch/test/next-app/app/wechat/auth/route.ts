// app/wechat/auth/route.ts — the authorization-event URL (授权事件接收 URL).
import { authCallback } from '@wxopen/fetch';
import { platform } from '../../../platform';

export const GET = authCallback(platform);
export const POST = GET;
