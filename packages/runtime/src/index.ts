export * from './describe-error';
export * from './env';
export * from './errors';
export * from './logger';
export * from './metrics';
export * from './one-per-key';
export * from './secrets';
export * from './settings-spec';
