import {
  formatRecordLine,
  PRIVACY_RULES_VERSION,
  type RecordMeta,
  repositoryFullName,
  UNVERSIONED_PRIVACY_RULES,
} from '@github-webhooks/events';
import { exampleOf } from '@github-webhooks/fixtures';
import { type PayloadSource, prepareMessage, type RecheckMode } from '../src';
import { defaultPolicy } from './support/records';

const noPayloads: PayloadSource = { readAll: () => Promise.reject(new Error('no payload objects here')) };

/**
 * A record as an older version wrote it: judged public by the rules of its day. The real issue
 * `opened` delivery (webhooks-examples issues 18) names a private `changes.old_repository`; the
 * privacy rules before the whole payload was judged made it public.
 */
function recordOf(name: string, privacyRules: number): string {
  const example = exampleOf(name.split('/')[1] ?? '', (e) => e.name === name);
  const meta: RecordMeta = {
    deliveryId: 'd-1',
    event: example.event,
    receivedAt: new Date('2026-11-28T15:06:18.123Z'),
    public: true,
    privacy: 'allowlisted',
    privacyRules,
    repository: repositoryFullName(example.payload) ?? null,
    action: typeof example.payload.action === 'string' ? example.payload.action : null,
  };
  return formatRecordLine(meta, { payloadText: JSON.stringify(example.payload) });
}

describe('prepareMessage: records judged by other privacy rules', () => {
  it.each<[string, RecheckMode]>([
    ['the relay (recorded verdicts)', 'recorded'],
    ['the Lambda (payloads re-judged)', 'payload'],
  ])(
    '%s re-judges a public record of older rules from its payload and refuses a leak',
    async (_name, mode) => {
      const body = recordOf('api.github.com/issues/18', UNVERSIONED_PRIVACY_RULES);
      const fields = {};
      const prepared = await prepareMessage(body, mode, defaultPolicy, noPayloads, fields);
      expect(prepared).toEqual({ kind: 'refused', privacy: 'private_repository_referenced' });
      expect(fields).toEqual({ delivery_id: 'd-1', event: 'issues' });
    },
  );

  it('publishes a public record of older rules that the current rules find public too', async () => {
    const body = recordOf('api.github.com/push/0', UNVERSIONED_PRIVACY_RULES);
    const prepared = await prepareMessage(body, 'recorded', defaultPolicy, noPayloads, {});
    expect(prepared).toMatchObject({ kind: 'ready', route: { event: 'push', deliveryId: 'd-1' } });
  });

  it('takes the stored verdict of the current rules without judging the payload again (the fast path)', async () => {
    // A record written under the current rules says what they decided: the relay trusts it as is.
    const body = recordOf('api.github.com/issues/18', PRIVACY_RULES_VERSION);
    const prepared = await prepareMessage(body, 'recorded', defaultPolicy, noPayloads, {});
    expect(prepared).toMatchObject({ kind: 'ready' });
  });
});
