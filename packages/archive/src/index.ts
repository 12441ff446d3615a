export * from './archive-stats';
export * from './errors';
export * from './line-reader';
export * from './parse-line';
export * from './payload-object';
export * from './read-records';
export * from './resolve-payload';
export * from './scan-archive';
