export * from './in-memory-execution-env';
export * from './temp-dir';
