import { SsmStandIn } from '@github-webhooks/fixtures';
import { runCli } from './support/run-cli';

let ssm: SsmStandIn;
const saved = { ...process.env };
beforeAll(async () => {
  ssm = await SsmStandIn.start();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});
afterAll(async () => {
  process.env = saved;
  await ssm.close();
});

const run = (args: string[]) => runCli(args);

describe('github-webhooks check-secrets', () => {
  it.each([
    [
      'a good list',
      'a-current-secret-of-32-characters\nthe-previous-one-also-long-enough',
      0,
      /2 secret\(s\), none shorter than 8/,
      /^$/,
    ],
    [
      'one too short',
      'a-current-secret-of-32-characters\nabc',
      1,
      /^$/,
      /entry 2 has 3 characters; a webhook secret needs at least 8/,
    ],
    ['a weak one', 'twelve-chars', 0, /1 secret/, /warning: entry 1 has 12 characters/],
  ])('%s', async (_name, value, code, out, err) => {
    const name = `/github-webhooks/test/${code}-${value.length}`;
    ssm.put(name, { value });
    const result = await run(['check-secrets', '--ssm-parameter', name]);
    expect(result.code).toBe(code);
    expect(result.out).toMatch(out);
    expect(result.err).toMatch(err);
    expect(`${result.out}${result.err}`).not.toContain('abc\n');
    expect(`${result.out}${result.err}`).not.toContain('a-current-secret');
    expect(ssm.requests.at(-1)?.body).toEqual({ Name: name, WithDecryption: true });
  });

  it('fails on a parameter that does not exist, naming it', async () => {
    const result = await run(['check-secrets', '--ssm-parameter', '/github-webhooks/test/nothing']);
    expect(result).toMatchObject({
      code: 1,
      err: expect.stringMatching(/\/github-webhooks\/test\/nothing: ParameterNotFound/),
    });
  });

  it('needs the parameter name', async () => {
    expect((await run(['check-secrets'])).code).toBe(2);
  });
});
