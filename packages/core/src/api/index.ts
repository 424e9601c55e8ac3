export * from './errcode';
export type { ApiHooks } from './hooks';
export * from './transport';
export * from './client';
export * from './component';
