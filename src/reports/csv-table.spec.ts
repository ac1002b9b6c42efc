import { csvCell, csvTable } from './csv-table';

describe('csv table', () => {
  it.each([
    ['plain text', 'orders', 'orders'],
    ['a comma', 'a,b', '"a,b"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'one\ntwo', '"one\ntwo"'],
    ['a formula', '=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['a leading plus', '+1 555', "'+1 555"],
    ['a leading minus', '-2', "'-2"],
    ['a leading at sign', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab', '\tcmd', "'\tcmd"],
    ['non-ASCII text', 'Müller – données', 'Müller – données'],
    ['a list', ['contact', 'billing'], 'contact; billing'],
    ['null', null, ''],
    ['a negative number', -1.5, '-1.5'],
    ['zero', 0, '0'],
  ])('writes %s safely', (_label, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes the header and one CRLF line per row in header order', () => {
    expect(
      csvTable(
        ['type', 'received'],
        [
          { received: 3, type: 'access' },
          { received: 0, type: 'erasure' },
        ],
      ),
    ).toBe('type,received\r\naccess,3\r\nerasure,0\r\n');
  });
});
