export * from './errors';
export * from './fs-object-store';
export * from './logged-lease';
export * from './object-lease';
export * from './object-store';
export * from './open-object-store';
export * from './s3-object-store';
