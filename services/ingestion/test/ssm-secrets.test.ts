import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ssmSecrets } from '../src/aws/ssm-secrets';

const ssm = mockClient(SSMClient);

describe('ssmSecrets', () => {
  beforeEach(() => ssm.reset());

  it('reads the SecureString with decryption once, then serves it from the cache', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'new\nold' } });
    const secrets = ssmSecrets('/gw/test/secrets-1', 300);
    expect(await secrets()).toEqual(['new', 'old']);
    expect(await secrets()).toEqual(['new', 'old']);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Name: '/gw/test/secrets-1', WithDecryption: true });
  });

  it('fails when the parameter cannot be read', async () => {
    ssm.on(GetParameterCommand).rejects(new Error('ParameterNotFound'));
    await expect(ssmSecrets('/gw/test/secrets-2', 300)()).rejects.toThrow('ParameterNotFound');
  });
});
