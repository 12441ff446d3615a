// serve with a fault point, for the fault-injection test (bundled by the test with esbuild and run
// in a process of its own): SIGKILLs itself between the broker's confirm of the Nth delivery and
// the publish ledger's write of it, the one place a crash can still repeat a message.
import { JsonLogger } from '@github-webhooks/runtime';
import { readServeConfig, startStack } from '../../src';

const killAt = Number(process.env.FAULT_KILL_AT_REMEMBERED);
let remembered = 0;
const config = readServeConfig({ host: '127.0.0.1', 'compact-every': '0' }, process.env);
startStack(config, new JsonLogger('fault-serve', { out: process.stderr, minLevel: 'warn' }), {
  beforeRemember: () => {
    remembered++;
    if (remembered === killAt) process.kill(process.pid, 'SIGKILL');
  },
}).then((stack) => process.stdout.write(`github-webhooks serving ${stack.port}\n`));
