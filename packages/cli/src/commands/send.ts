import { readFile } from 'node:fs/promises';
import { allExamples, signedRequest } from '@github-webhooks/fixtures';
import { UsageError } from '../serve/serve-config';

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
