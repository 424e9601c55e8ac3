export * from './keys';
export { cacheTtlMs } from './token-cache';
export type { CachedToken } from './token-cache';
export * from './auth-url';
export * from './component';
