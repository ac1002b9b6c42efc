import { csvRow, plainRecord } from './record-format';

describe('export record format', () => {
  it('keeps a field a store names __proto__ as a field of the record', () => {
    const fromStore = JSON.parse('{"id": 1, "__proto__": {"polluted": "yes"}}') as Record<
      string,
      unknown
    >;
    const record = plainRecord(fromStore);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect((record as { polluted?: string }).polluted).toBeUndefined();
    expect(JSON.stringify(record)).toBe('{"id":1,"__proto__":{"polluted":"yes"}}');
  });

  it('leaves a cell empty when a record lacks a column named like an Object method', () => {
    const header = ['id', 'constructor', 'toString'];
    expect(csvRow(header, { id: 'Zoë' })).toBe('Zoë,,\r\n');
    expect(csvRow(header, { id: 2, constructor: 'x', toString: 'y' })).toBe('2,x,y\r\n');
  });
});
