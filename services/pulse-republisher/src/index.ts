// The republisher's core, for reuse by the local stack (CLI): no AWS here.
export * from './amqp/broker-url';
export * from './amqp/errors';
export * from './amqp/publisher';
export * from './amqp/window';
export * from './broker-observer';
export * from './config';
export * from './describe-error';
export * from './parse-message';
export * from './ports';
export * from './pulse-messages';
export * from './republish';
export * from './resolve-payload';
export * from './sqs-batch';
