export * from './api-gateway-event';
export * from './config';
export * from './http';
export * from './ingest';
export * from './outgoing';
export * from './ports';
