import { HELP } from './commands/help';
import { runCompact, runListen, runReplay, runSend, runServe, runStats } from './commands/run';
import { UsageError } from './serve/serve-config';

type Runner = (args: string[]) => Promise<number>;
const COMMANDS: Record<string, Runner> = {
  serve: runServe,
  send: runSend,
  compact: runCompact,
  replay: runReplay,
  stats: runStats,
  listen: runListen,
};

/** `github-webhooks <command> …`: exit 0 on success, 1 on failure, 2 on a usage error; one-line reasons. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP.main);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`github-webhooks: unknown command ${JSON.stringify(name)}; see github-webhooks --help`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP[name]);
    return 0;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`github-webhooks ${name}: ${(error as Error).message}`);
      return 2;
    }
    console.error(`github-webhooks ${name}: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}
