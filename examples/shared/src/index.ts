export * from './config';
export * from './platform';
export * from './run';
export * from './store';
