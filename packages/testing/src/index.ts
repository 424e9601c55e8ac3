export * from './callback';
