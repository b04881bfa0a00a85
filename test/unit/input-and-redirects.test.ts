import { ValidationError } from '../../shared/domain/errors';
import { decimal, multiLine, singleLine, wholeNumber } from '../../shared/domain/input';
import { safeReturnTo } from '../../shared/http/redirects';

const ORIGIN = 'https://portal.example';

describe('returnTo after sign-in', () => {
  test.each([
    ['/\\evil.example/x', 'a backslash browsers read as //'],
    ['/\tevil.example/x', 'a tab'],
    ['/\t/evil.example/x', 'a tab before the host'],
    ['/\n/evil.example', 'a newline'],
    ['//evil.example/x', 'a protocol-relative URL'],
    ['///evil.example/x', 'three slashes'],
    ['https://evil.example/', 'an absolute URL'],
    ['javascript:alert(1)', 'a script URL'],
    ['evil.example', 'no leading slash'],
    ['', 'nothing'],
    [undefined, 'absent'],
  ])('%j (%s) → /', (value, _why) => {
    expect(safeReturnTo(value, ORIGIN)).toBe('/');
  });

  test.each([
    ['/', '/'],
    ['/cases?x=1', '/cases?x=1'],
    ['/cases/abc#history', '/cases/abc#history'],
    ['/%5Cevil.example/x', '/%5Cevil.example/x'],
    ['/a/../b', '/b'],
  ])('%j stays on the portal as %j', (value, expected) => {
    expect(safeReturnTo(value, ORIGIN)).toBe(expected);
  });
});

describe('the text normalizer', () => {
  const rule = { field: 'subject', label: 'Subject', max: 10 };
  test('single line: trimmed; control characters and line breaks refused naming the field', () => {
    expect(singleLine('  Hello  ', rule)).toBe('Hello');
    for (const bad of ['a\nb', 'a\rb', 'a\u0000b', 'a\u001bb', 'a\u0085b', 'a\u2028b', 'a\tb']) {
      expect(() => singleLine(bad, rule)).toThrow(expect.objectContaining({ field: 'subject' }));
    }
    expect(() => singleLine('', rule)).toThrow('Subject is required.');
    expect(() => singleLine('x'.repeat(11), rule)).toThrow('at most 10');
    expect(() => singleLine(42, rule)).toThrow(ValidationError);
    expect(singleLine(undefined, { ...rule, required: false })).toBe('');
  });

  test('several lines: newlines and tabs kept (CR LF becomes LF), other control characters refused', () => {
    const many = { ...rule, max: 50 };
    expect(multiLine('a\r\nb\tc\rd', many)).toBe('a\nb\tc\nd');
    expect(() => multiLine('a\u0007b', many)).toThrow(ValidationError);
  });

  test('decimal numbers: plain digits with an optional fraction; JSON numbers as they are', () => {
    expect(decimal('2', 'h', 'Hours')).toBe(2);
    expect(decimal('0.5', 'h', 'Hours')).toBe(0.5);
    expect(decimal(3, 'h', 'Hours')).toBe(3);
    for (const bad of ['0x10', '1e1', '+2', '-2', ' 2', '2 ', '2.', '.5', '02', 'Infinity', 'NaN', '１', '', '1_000', '2,5']) {
      expect(() => decimal(bad, 'h', 'Hours')).toThrow(expect.objectContaining({ field: 'h' }));
    }
    expect(() => decimal(Number.POSITIVE_INFINITY, 'h', 'Hours')).toThrow(ValidationError);
    expect(() => wholeNumber('1.5', 'n', 'N')).toThrow('whole number');
  });
});
