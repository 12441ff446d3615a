// The republisher's use case, for the Lambda (handler.ts) and the local stack's composition root.
export * from './config';
export * from './control-message';
export { REPUBLISHER_ENVIRONMENT } from './environment';
export * from './errors';
export * from './message-payload';
export * from './parse-message';
export * from './ports';
export * from './prepare-message';
export * from './republish';
export * from './sqs-batch';
export * from './transport-escape';
