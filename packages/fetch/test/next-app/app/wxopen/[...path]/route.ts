// app/wxopen/[...path]/route.ts — both URLs from one catch-all route: /wxopen/auth and /wxopen/callback/$APPID$.
import { wxopenRouter } from '@wxopen/fetch';
import { platform } from '../../../platform';

export const GET = wxopenRouter(platform, { prefix: '/wxopen' });
export const POST = GET;
