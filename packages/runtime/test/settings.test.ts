import { ConfigError, describeError, errorLine, parseSecretList, Settings, splitList } from '../src';

const errorOf = (read: () => unknown): ConfigError => {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('Settings', () => {
  const settings = new Settings({
    PORT: '8080',
    BLANK: '  ',
    FLAG: 'TRUE',
    LIST: ' a, b,,c ',
    TOPIC: 'arn:aws-cn:sns:cn-north-1:123:all',
    OLD_NAME: 'older',
  });

  it.each([
    ['an integer', () => settings.integer('PORT', { fallback: 1, min: 0, max: 65_535 }), 8080],
    ['the fallback for an unset integer', () => settings.integer('NONE', { fallback: 7, min: 0, max: 9 }), 7],
    ['a blank value as unset', () => settings.string('BLANK', 'default'), 'default'],
    ['a boolean in any case', () => settings.boolean('FLAG', false), true],
    ['a list, trimmed, blanks dropped', () => settings.list('LIST'), ['a', 'b', 'c']],
    ['an ARN of another partition', () => settings.arn('TOPIC', 'sns'), 'arn:aws-cn:sns:cn-north-1:123:all'],
    ['an older name still accepted', () => settings.string(['NEW_NAME', 'OLD_NAME'], 'x'), 'older'],
    [
      'one of a set',
      () => new Settings({ M: 'tag' }).oneOf('M', ['delete', 'tag'] as const, 'delete'),
      'tag',
    ],
  ])('reads %s', (_name, read, expected) => {
    expect(read()).toEqual(expected);
  });

  it.each([
    [
      'PORT',
      () => new Settings({ PORT: '99999' }).integer('PORT', { fallback: 1, min: 0, max: 65_535 }),
      /from 0 to 65535, got "99999"/,
    ],
    [
      'PORT',
      () => new Settings({ PORT: '2.5' }).integer('PORT', { fallback: 1, min: 0, max: 10 }),
      /whole number/,
    ],
    ['FLAG', () => new Settings({ FLAG: 'yes' }).boolean('FLAG', false), /true or false/],
    ['NEEDED', () => new Settings({}).required('NEEDED'), /NEEDED must be set/],
    ['TOPIC', () => new Settings({ TOPIC: 'all' }).arn('TOPIC', 'sns'), /an SNS ARN/],
    ['BUCKET', () => new Settings({ BUCKET: 'Not_A_Bucket' }).bucket('BUCKET'), /S3 bucket name/],
    ['PARAM', () => new Settings({ PARAM: 'no-slash' }).ssmParameter('PARAM'), /starting with \//],
    [
      'MODE',
      () => new Settings({ MODE: 'move' }).oneOf('MODE', ['delete', 'tag'] as const, 'delete'),
      /one of delete, tag/,
    ],
    [
      'OLD_NAME',
      () =>
        new Settings({ OLD_NAME: '-1' }).integer(['NEW_NAME', 'OLD_NAME'], { fallback: 0, min: 0, max: 9 }),
      /^OLD_NAME /,
    ],
    [
      'EVENTS',
      () =>
        new Settings({ EVENTS: 'x' }).parsed('EVENTS', () => {
          throw new Error('not an event');
        }),
      /^EVENTS is invalid: not an event$/,
    ],
  ])('refuses a bad %s, naming it first', (variable, read, message) => {
    const error = errorOf(read);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable} `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('lets a flag win over the environment and names the flag that set a bad value', () => {
    const layered = new Settings([
      { values: { PORT: 'abc' }, origin: (variable) => (variable === 'PORT' ? '--port' : undefined) },
      { values: { PORT: '9000', HOST: 'example' } },
    ]);
    expect(layered.string('HOST', 'x')).toBe('example');
    expect(errorOf(() => layered.integer('PORT', { fallback: 1, min: 0, max: 65_535 })).message).toBe(
      'PORT must be a whole number from 0 to 65535, got "abc" (from --port)',
    );
  });
});

describe('parseSecretList', () => {
  it.each([
    ['one', ['one']],
    ['new,old', ['new', 'old']],
    ['new, with, commas\nold\n\n', ['new, with, commas', 'old']],
  ])('%j → %j', (value, secrets) => {
    expect(parseSecretList(value, 'SSM parameter /p')).toEqual(secrets);
  });

  it('refuses a value with no secret, naming where it came from', () => {
    expect(() => parseSecretList(' \n ', 'SSM parameter /p')).toThrow(
      'SSM parameter /p holds no webhook secret',
    );
  });
});

describe('describeError', () => {
  it('keeps name, message, code and the causes, never the stack', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = new TypeError('publish failed', { cause });
    expect(describeError(error)).toEqual({
      name: 'TypeError',
      message: 'publish failed',
      cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' },
    });
    expect(JSON.stringify(describeError(error))).not.toContain('at ');
    expect(describeError('text')).toEqual({ name: 'string', message: 'text' });
    expect(errorLine(error)).toBe('TypeError: publish failed');
    expect(splitList(undefined)).toEqual([]);
  });
});
