import type { AuthServerOptions } from '@wxopen/core';
import { AuthServer, reply } from '@wxopen/core';
import type { Credentials } from './config';

export interface DemoPlatformOptions
  extends Pick<AuthServerOptions, 'maxClockSkewSeconds' | 'onError' | 'onLateReply' | 'store' | 'apiBase' | 'apiHooks' | 'now'> {
  /** Where the demo handlers log what they received (never a secret). Default `console.log`. */
  readonly log?: (line: string) => void;
}

/**
 * The platform every example serves: a text message gets the text reply `echo: <Content>`, everything else
 * is acknowledged with `success`; component pushes are logged by type (the ticket itself is never printed).
 */
export function createPlatform(credentials: Credentials, options: DemoPlatformOptions = {}): AuthServer {
  const { log = console.log, ...serverOptions } = options;
  const platform = new AuthServer({ ...credentials, ...serverOptions });
  platform.onInfo('component_verify_ticket', () => log('component_verify_ticket received'));
  platform.onInfo('authorized', (info) => log(`authorized by ${info.AuthorizerAppid}`));
  platform.onInfo('unauthorized', (info) => log(`unauthorized by ${info.AuthorizerAppid}`));
  platform.messages.on('text', (message) => reply.text(`echo: ${message.Content}`));
  return platform;
}
