/**
 * What a Next.js app would keep in `lib/wechat.ts`: one platform for the whole app, imported by its route
 * handlers. The secrets are generated for the test; the hooks record what happened.
 */
import type { WxOpenError } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator } from '@wxopen/testing';

export const secrets = WechatSimulator.generateSecrets();

/** Codes the error hook received, and one entry per handler run. */
export const seen: { errors: WxOpenError[]; ran: string[] } = { errors: [], ran: [] };

export const platform = new AuthServer({ ...secrets, onError: (error) => seen.errors.push(error) });

platform.messages.on('text', (message, ctx) => {
  seen.ran.push(`text ${ctx.authorizerAppId ?? '-'}`);
  return `echo: ${message.Content}`;
});

platform.onInfo('component_verify_ticket', (info) => {
  seen.ran.push(`ticket ${info.ComponentVerifyTicket}`);
});
