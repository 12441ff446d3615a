import { ConfigError, errorLine } from '@github-webhooks/runtime';
import packageJson from '../package.json';
import { type Command, parseCommandArgs } from './command';
import { checkSecretsCommand } from './commands/check-secrets';
import { compactCommand } from './commands/compact';
import { listenCommand } from './commands/listen';
import { queryCommand } from './commands/query';
import { reconcileCommand } from './commands/reconcile';
import { replayCommand } from './commands/replay';
import { sendCommand } from './commands/send';
import { serveCommand } from './commands/serve';
import { statsCommand } from './commands/stats';
import { UsageError } from './errors';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  sendCommand,
  compactCommand,
  replayCommand,
  statsCommand,
  queryCommand,
  listenCommand,
  reconcileCommand,
  checkSecretsCommand,
] as unknown as readonly Command[];

/** The package's version, as `github-webhooks --version` prints it. */
export const VERSION: string = packageJson.version;

export const HELP = `github-webhooks: run and inspect the GitHub webhooks pipeline on one machine

Usage: github-webhooks <command> [options]
       github-webhooks --version

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(13)} ${c.summary}`).join('\n')}

Run "github-webhooks <command> --help" for a command's options.`;

/** `github-webhooks <command> …`: exit 0 on success, 1 on failure, 2 on a usage error; one-line reasons. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`github-webhooks ${VERSION} (Node ${process.version})`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`github-webhooks: unknown command ${JSON.stringify(name)}; see github-webhooks --help`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    const { values, positionals } = parseCommandArgs(command, rest);
    return await command.run(values, env, positionals);
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`github-webhooks ${name}: ${usage ? (error as Error).message : errorLine(error)}`);
    return usage ? 2 : 1;
  }
}
