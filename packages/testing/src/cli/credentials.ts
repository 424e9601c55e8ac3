/**
 * The platform's credentials, from flags or from the variables the examples read. Values are checked and
 * used, never printed: messages name the variable or flag, not what it holds.
 */
import type { PlatformSecrets } from '../callback';
import { UsageError } from './errors';

/** Where a credential may come from: its flag and its environment variable. */
interface Source {
  readonly flag: string;
  readonly variable: string;
}

export const COMPONENT_APPID: Source = { flag: '--component-appid', variable: 'WECHAT_COMPONENT_APPID' };
export const COMPONENT_SECRET: Source = { flag: '--component-secret', variable: 'WECHAT_COMPONENT_SECRET' };
export const TOKEN: Source = { flag: '--token', variable: 'WECHAT_TOKEN' };
export const AES_KEY: Source = { flag: '--aes-key', variable: 'WECHAT_AES_KEY' };

/** The options every command that signs or seals takes; values from the environment when not given. */
export const CREDENTIAL_OPTIONS = {
  'component-appid': { type: 'string' },
  token: { type: 'string' },
  'aes-key': { type: 'string' },
} as const;

export const CREDENTIAL_HELP = `Credentials (flags win over the environment; prefer the environment, flags show in ps):
  --component-appid <wx…>  the third-party platform's appid       (WECHAT_COMPONENT_APPID)
  --token <token>          the message-check Token                (WECHAT_TOKEN)
  --aes-key <key>          the 43-character EncodingAESKey        (WECHAT_AES_KEY)`;

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The value of a credential and where it came from, or `undefined`. */
export function credential(source: Source, flagValue: string | undefined, env: Env): { value: string; from: string } | undefined {
  const fromFlag = nonEmpty(flagValue);
  if (fromFlag !== undefined) return { value: fromFlag, from: source.flag };
  const fromEnv = nonEmpty(env[source.variable]);
  return fromEnv === undefined ? undefined : { value: fromEnv, from: source.variable };
}

function describeMissing(sources: readonly Source[]): string {
  const names = sources.map((s) => s.variable);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `set ${list} (or ${sources.map((s) => s.flag).join(', ')}); a running example prints them`;
}

/** Refuses an EncodingAESKey that WeChat could not have issued, naming where it came from. */
function checkAesKey(value: string, from: string): void {
  if (!/^[A-Za-z0-9+/]{43}$/.test(value)) {
    throw new UsageError(`${from} must be the 43-character EncodingAESKey (letters and digits), as \`wxopen keygen\` makes`);
  }
}

/** Appid, Token and EncodingAESKey, for sealing pushes and opening replies. */
export function platformSecrets(command: string, flags: { 'component-appid'?: string; token?: string; 'aes-key'?: string }, env: Env): PlatformSecrets {
  const appId = credential(COMPONENT_APPID, flags['component-appid'], env);
  const token = credential(TOKEN, flags.token, env);
  const aesKey = credential(AES_KEY, flags['aes-key'], env);
  const missing = [appId ? undefined : COMPONENT_APPID, token ? undefined : TOKEN, aesKey ? undefined : AES_KEY].filter((s) => s !== undefined);
  if (!appId || !token || !aesKey) throw new UsageError(`${command}: ${describeMissing(missing)}`);
  checkAesKey(aesKey.value, aesKey.from);
  return { appId: appId.value, token: token.value, encodingAESKey: aesKey.value };
}

/** The Token alone (URL verification signs with nothing else). */
export function tokenOnly(command: string, flagValue: string | undefined, env: Env): string {
  const token = credential(TOKEN, flagValue, env);
  if (!token) throw new UsageError(`${command}: ${describeMissing([TOKEN])}`);
  return token.value;
}
