import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * fauxqs, the SNS/SQS/S3 emulator, in a process of its own (it is an ES module for Node ≥ 22.5):
 * the real wire protocols, SNS → SQS fan-out with raw delivery, SQS redrive, S3.
 */
export class Fauxqs {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<Fauxqs> {
    const cli = join(__dirname, '..', '..', 'node_modules', 'fauxqs', 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, FAUXQS_PORT: '0', FAUXQS_HOST: 'localhost', FAUXQS_LOGGER: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const until = Date.now() + 20_000;
    for (;;) {
      const port = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port) return new Fauxqs(child, Number(port));
      if (Date.now() > until || child.exitCode !== null) throw new Error(`fauxqs did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
