import fc from 'fast-check';
import { splitConcatenatedJson } from '../src';

describe('splitConcatenatedJson', () => {
  it.each([
    ['{"a":"}{"}{"b":[1,{"c":"\\"}"}]}', ['{"a":"}{"}', '{"b":[1,{"c":"\\"}"}]}']],
    [' {} \n [] ', ['{}', '[]']],
    ['', []],
  ])('splits %s', (text, values) => {
    expect(splitConcatenatedJson(text)).toEqual(values);
  });

  it.each([['{"a":1}}'], ['{"a":1} x'], ['{"a":'], ['1']])('refuses %s', (text) => {
    expect(() => splitConcatenatedJson(text)).toThrow(SyntaxError);
  });

  it('splits any sequence of JSON objects written back to back', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 8 }), (objects) => {
        const parts = splitConcatenatedJson(objects.map((o) => JSON.stringify(o)).join(''));
        expect(parts.map((p) => JSON.parse(p))).toEqual(JSON.parse(JSON.stringify(objects)));
      }),
    );
  });
});
