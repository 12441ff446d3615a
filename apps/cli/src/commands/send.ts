import { readFile } from 'node:fs/promises';
import { allExamples, signedRequest } from '@github-webhooks/fixtures';
import { Settings } from '@github-webhooks/runtime';
import { defineCommand } from '../command';
import { UsageError } from '../errors';
import { SERVE_SETTINGS } from '../serve/serve-settings';
import {
  DeclaredSettings,
  flagIntegerOf,
  flagStringOf,
  optionsHelp,
  parseOptions,
  type SettingSpec,
  settingOf,
} from '../settings/declare';

/** serve's port: where a stack started with the same environment listens. */
const PORT = settingOf(SERVE_SETTINGS, 'port');

/** Every option of `send`, in the order `--help` and the docs list them. */
export const SEND_SETTINGS = [
  {
    flag: 'url',
    kind: 'string',
    value: 'URL',
    help: `where to POST (default http://127.0.0.1:$PORT/webhook, PORT defaulting to ${PORT.default})`,
  },
  {
    flag: 'secret',
    kind: 'string',
    value: 'S',
    help: 'the signing secret (default: the first of WEBHOOK_SECRETS; none: unsigned)',
  },
  { flag: 'event', kind: 'string', value: 'NAME', default: 'push', help: 'the event to send' },
  {
    flag: 'example',
    kind: 'integer',
    value: 'N',
    default: '0',
    min: 0,
    max: 10_000,
    help: 'which github.com example of the event',
  },
  {
    flag: 'file',
    kind: 'string',
    value: 'PATH',
    help: "send this file's bytes as the payload instead of an example",
  },
  {
    flag: 'id',
    kind: 'string',
    value: 'GUID',
    help: 'the delivery id (default: a new one; reuse one to simulate a redelivery)',
  },
] as const satisfies readonly SettingSpec[];

const EVENT = settingOf(SEND_SETTINGS, 'event');
const EXAMPLE = settingOf(SEND_SETTINGS, 'example');

export interface SendOptions {
  readonly url: string;
  readonly secret: string | undefined;
  readonly event: string;
  /** Which example of the event (index), when no file is given. */
  readonly example: number;
  readonly file: string | undefined;
  readonly id: string | undefined;
}

export interface SendResult {
  readonly id: string;
  readonly event: string;
  readonly status: number;
  readonly body: string;
}

/** Signs a real example payload (or a file) as GitHub would and POSTs it to a running stack. */
export async function send(options: SendOptions): Promise<SendResult> {
  const body = options.file
    ? await readFile(options.file)
    : Buffer.from(JSON.stringify(examplePayload(options)));
  const request = signedRequest({
    event: options.event,
    body,
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.id === undefined ? {} : { id: options.id }),
  });
  const headers = { ...request.headers };
  if (options.secret === undefined) delete headers['X-Hub-Signature-256'];
  let response: Response;
  try {
    response = await fetch(options.url, { method: 'POST', headers, body: request.body });
  } catch (error) {
    throw new UsageError(
      `cannot reach ${options.url}: ${(error as { cause?: Error }).cause?.message ?? String(error)}`,
    );
  }
  return { id: request.id, event: options.event, status: response.status, body: await response.text() };
}

function examplePayload(options: SendOptions): object {
  const examples = allExamples().filter(
    (e) => e.event === options.event && e.name.startsWith('api.github.com/'),
  );
  if (examples.length === 0) {
    const events = [...new Set(allExamples().map((e) => e.event))].sort();
    throw new UsageError(`no example of ${options.event}; examples exist for: ${events.join(', ')}`);
  }
  const example = examples[options.example];
  if (!example) throw new UsageError(`${options.event} has examples 0 to ${examples.length - 1}`);
  return example.payload;
}

export const sendCommand = defineCommand({
  name: 'send',
  summary: 'sign an example payload (or a file) as GitHub does and POST it to a running stack',
  help: `Usage: github-webhooks send [options]

${optionsHelp(SEND_SETTINGS)}`,
  options: parseOptions(SEND_SETTINGS),
  async run(values, env) {
    const settings = new Settings(env);
    const port = new DeclaredSettings(settings, SERVE_SETTINGS).integer(PORT.env);
    const result = await send({
      url: values.url ?? `http://127.0.0.1:${port}/webhook`,
      secret: values.secret ?? settings.list('WEBHOOK_SECRETS')[0],
      event: flagStringOf(EVENT, values.event),
      example: flagIntegerOf(EXAMPLE, values.example),
      file: values.file,
      id: values.id,
    });
    console.log(`${result.status} ${result.event} ${result.id} ${result.body}`);
    return result.status >= 200 && result.status < 300 ? 0 : 1;
  },
});
