export * from './callback';
export * from './store-conformance';
export * from './redis-available';
export * from './fake-wechat';
