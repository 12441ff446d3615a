import {
  ArchiveFormatError,
  createPrivacyPolicy,
  formatRecordLine,
  PRIVACY_RULES_VERSION,
  recheckRecorded,
  splitRecordLine,
} from '../src';

const meta = {
  deliveryId: 'g-1',
  event: 'push',
  receivedAt: new Date('2026-11-28T15:06:18.123Z'),
  public: true,
  privacy: 'allowlisted',
  repository: 'mozilla/gecko-dev',
  action: null,
};
const payloadText =
  '{"ref":"refs/heads/main","repository":{"full_name":"mozilla/gecko-dev","private":false}}';
const line = formatRecordLine(meta, { payloadText }).trimEnd();

describe('splitRecordLine', () => {
  it('takes a format-2 line apart without parsing the payload, keeping its exact text', () => {
    const { head, payload: text } = splitRecordLine(line);
    expect(text).toBe(payloadText);
    const bytes = splitRecordLine(Buffer.from(line)).payload;
    expect(Buffer.isBuffer(bytes) && bytes.toString()).toBe(payloadText);
    expect(head).toMatchObject({
      delivery_id: 'g-1',
      event: 'push',
      public: true,
      repository: 'mozilla/gecko-dev',
    });
    expect(head).not.toHaveProperty('payload');
  });

  it('refuses a payload that is not the one the record hashed', () => {
    expect(() => splitRecordLine(line.replace('refs/heads/main', 'refs/heads/evil'))).toThrow(
      ArchiveFormatError,
    );
    expect(() => splitRecordLine(Buffer.from(line.replace('main', 'evil')))).toThrow(ArchiveFormatError);
    // Keys after the payload: the slice would not be the payload alone.
    expect(() => splitRecordLine(`${line.slice(0, -1)},"x":1}`)).toThrow(ArchiveFormatError);
  });

  it('takes the payload out of spacing around it, as text and as bytes', () => {
    const spaced = line.replace(`"payload":${payloadText}}`, `"payload": ${payloadText} }`);
    expect(splitRecordLine(spaced).payload).toBe(payloadText);
    expect(String(splitRecordLine(Buffer.from(spaced)).payload)).toBe(payloadText);
  });

  it('parses a format-1 line whole', () => {
    const old = JSON.stringify({
      delivery_id: 'g-0',
      event: 'push',
      received_at: '2026-11-28T15:06:18.123Z',
      hook_id: null,
      target: null,
      public: true,
      payload: { a: 1 },
    });
    expect(splitRecordLine(old)).toMatchObject({ head: { delivery_id: 'g-0' }, payload: '{"a":1}' });
  });

  it('parses whole a line whose first `,"payload":` is not the key of its payload', () => {
    const nested = JSON.stringify({
      delivery_id: 'g-0',
      event: 'push',
      received_at: '2026-11-28T15:06:18.123Z',
      hook_id: null,
      target: { type: 'repository', id: '1', payload: 0 },
      public: true,
      payload: { a: 1 },
    });
    expect(splitRecordLine(nested)).toMatchObject({ head: { delivery_id: 'g-0' }, payload: '{"a":1}' });
  });

  it.each(['not json', '{"delivery_id":"x"}', ''])('refuses %j with ArchiveFormatError', (text) => {
    expect(() => splitRecordLine(text)).toThrow(ArchiveFormatError);
  });
});

describe('recheckRecorded', () => {
  const policy = createPrivacyPolicy();
  const head = splitRecordLine(line).head;
  it.each([
    ['the verdict ingestion wrote', head, true, 'allowlisted'],
    ['a record marked private', { ...head, public: false }, false, 'recorded_private'],
    ['another verdict', { ...head, privacy: 'private_repository' }, false, 'recorded_private'],
    ['a never-public event', { ...head, event: 'membership' }, false, 'never_public_event'],
    ['an event off the allowlist', { ...head, event: 'star' }, false, 'not_allowlisted'],
    ['no repository', { ...head, repository: null }, false, 'unroutable_repository'],
  ])('%s', (_name, record, isPublic, reason) => {
    expect(recheckRecorded(record, policy)).toEqual({ public: isPublic, reason });
  });

  it('has no verdict to re-check in a record of format 1', () => {
    const { format_version: _v, privacy: _p, ...old } = head;
    expect(recheckRecorded(old, policy)).toBeUndefined();
  });

  it('does not trust a public verdict of other privacy rules: the payload is to be judged again', () => {
    expect(head.privacy_rules).toBe(PRIVACY_RULES_VERSION);
    const { privacy_rules: _r, ...format2 } = head;
    expect(recheckRecorded(format2, policy)).toBeUndefined();
    expect(recheckRecorded({ ...head, privacy_rules: PRIVACY_RULES_VERSION - 1 }, policy)).toBeUndefined();
    expect(recheckRecorded({ ...head, privacy_rules: PRIVACY_RULES_VERSION + 1 }, policy)).toBeUndefined();
  });

  it('keeps a private verdict of any rules private without the payload', () => {
    const { privacy_rules: _r, ...format2 } = head;
    expect(recheckRecorded({ ...format2, public: false }, policy)).toEqual({
      public: false,
      reason: 'recorded_private',
    });
  });
});
