export * from './fs-object-store';
export * from './object-store';
export * from './open-object-store';
export * from './s3-object-store';
