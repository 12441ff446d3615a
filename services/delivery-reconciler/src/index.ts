// The reconciler's use case, for the Lambda (handler.ts), the CLI's reconcile and serve.
export * from './archive-index';
export * from './attempt';
export * from './checkpoint';
export * from './checkpoint-store';
export * from './environment';
export * from './errors';
export * from './github/auth';
export * from './github/client';
export * from './hook-settings';
export * from './hooks';
export * from './ports';
export * from './reconcile';
export * from './reconciler-lease';
export * from './report';
export * from './rule';
export * from './scan';
export * from './settings';
