export * from './errors';
export * from './crypto/signature';
export * from './crypto/cipher';
export * from './xml';
export * from './messages/types';
export * from './messages/reply';
export * from './store/types';
