import { ConfigError, DeclaredSettings, type SettingSpec, Settings, settingsTable } from '../src';

const SPECS = [
  { env: 'BUCKET', kind: 'string', required: true, help: 'the bucket' },
  { env: 'TTL', kind: 'integer', default: '300', min: 0, max: 86_400, help: 'seconds <cached> | kept' },
  { env: 'MODE', kind: 'string', default: 'delete', help: 'delete or tag' },
  { env: 'NAMES', kind: 'list', default: 'a,b', help: 'names' },
  { env: 'ON', kind: 'boolean', default: 'true', help: 'on' },
] as const satisfies readonly SettingSpec[];

describe('settingsTable', () => {
  it("lays a Lambda's environment out without a flag column, required ones marked", () => {
    expect(settingsTable(SPECS)).toBe(
      [
        '| variable | default | meaning |',
        '| --- | --- | --- |',
        '| `BUCKET` | required | the bucket |',
        '| `TTL` | `300` (0–86,400) | seconds &lt;cached&gt; \\| kept |',
        '| `MODE` | `delete` | delete or tag |',
        '| `NAMES` | `a,b` | names |',
        '| `ON` | `true` | on |',
      ].join('\n'),
    );
  });

  it("lays a command's settings out with their flags", () => {
    expect(settingsTable([{ flag: 'port', env: 'PORT', kind: 'integer', default: '8080', help: 'p' }])).toBe(
      [
        '| variable | flag | default | meaning |',
        '| --- | --- | --- | --- |',
        '| `PORT` | `--port` | `8080` | p |',
      ].join('\n'),
    );
  });

  it("shows a flag's value, a pipe in it escaped", () => {
    expect(
      settingsTable([
        { flag: 'disposal', kind: 'string', value: 'delete|tag', default: 'delete', help: 'd' },
        { flag: 'from', kind: 'string', value: 'TIME', required: true, help: 'f' },
      ]),
    ).toBe(
      [
        '| variable | flag | default | meaning |',
        '| --- | --- | --- | --- |',
        '| – | `--disposal delete\\|tag` | `delete` | d |',
        '| – | `--from TIME` | required | f |',
      ].join('\n'),
    );
  });
});

describe('DeclaredSettings', () => {
  const declared = (env: Record<string, string>) => new DeclaredSettings(new Settings(env), SPECS);

  it("falls back to the declaration's defaults", () => {
    const settings = declared({});
    expect([
      settings.integer('TTL'),
      settings.oneOf('MODE', ['delete', 'tag'] as const),
      settings.list('NAMES'),
      settings.boolean('ON'),
    ]).toEqual([300, 'delete', ['a', 'b'], true]);
  });

  it("checks the declaration's bounds and requirements, naming the variable", () => {
    expect(() => declared({ TTL: '86401' }).integer('TTL')).toThrow(ConfigError);
    expect(() => declared({ TTL: '86401' }).integer('TTL')).toThrow(
      'TTL must be a whole number from 0 to 86400',
    );
    expect(() => declared({}).bucket('BUCKET')).toThrow('BUCKET must be set');
    expect(declared({ BUCKET: 'my-bucket' }).bucket('BUCKET')).toBe('my-bucket');
  });

  it('refuses a variable read against its declaration, or not declared at all', () => {
    expect(() => declared({}).integer('UNDECLARED')).toThrow('UNDECLARED is not a declared setting');
    expect(() => declared({}).bucket('UNDECLARED')).toThrow('UNDECLARED is not a declared setting');
    expect(() => declared({}).boolean('TTL')).toThrow('TTL is declared as integer, not boolean');
    expect(() => declared({}).string('BUCKET')).toThrow('BUCKET is declared required');
    expect(() => declared({}).oneOf('MODE', ['move'] as const)).toThrow("MODE's default is not one of move");
  });
});
