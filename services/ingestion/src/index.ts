// Ingestion's use case and its platform adapters, for the Lambda (handler.ts) and the local stack.
export * from './adapters/api-gateway';
export * from './adapters/node-http';
export * from './adapters/slow-body';
export * from './config';
export * from './digest-budget';
export * from './drift';
export { INGESTION_ENVIRONMENT } from './environment';
export * from './http/handle-request';
export * from './http/route';
export * from './http/types';
export * from './ingest';
export * from './outgoing';
export * from './ports';
