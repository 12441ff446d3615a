export * from './broker-observer';
export * from './broker-url';
export * from './errors';
export * from './exchanges';
export * from './message';
export * from './publisher';
export * from './pulse-messages';
export * from './window';
