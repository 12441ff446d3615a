// The local stack's parts, for the benchmarks (which sit above everything); the command is bin.ts.
export * from './local/disk-archive';
export * from './local/group-commit-file';
export * from './local/local-topics';
export * from './query/archive-files';
export * from './query/run-query';
export * from './relay/archive-relay';
export * from './relay/publish-ledger';
export * from './serve/serve-config';
export * from './serve/start-stack';
