export * from './errors';
export * from './fs-object-store';
export * from './logged-lease';
export * from './object-lease';
export * from './object-store';
export * from './open-object-store';
export { type MultipartUpload, uploadInParts } from './s3-multipart-upload';
export * from './s3-object-store';
