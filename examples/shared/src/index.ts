export * from './config';
export * from './demo-credentials';
export * from './limits';
export * from './observe';
export * from './platform';
export * from './run';
export * from './shutdown';
export * from './store';
