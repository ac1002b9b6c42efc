import { classifyColumn } from './column-classifier';

const entitiesOf = (column: string, values: unknown[]) =>
  classifyColumn(column, values).entities.map((e) => e.entity);

describe('classifyColumn', () => {
  it('counts bare nine-digit numbers as SSNs only in a column named for them', () => {
    const values = ['219456789', '536228945'];
    expect(entitiesOf('ssn', values)).toEqual(['US_SSN']);
    expect(entitiesOf('customer_ssn', values)).toEqual(['US_SSN']);
    expect(entitiesOf('code', values)).toEqual([]);
  });

  it('counts national phone numbers in a column named phone, not in free text', () => {
    expect(entitiesOf('phone', ['020 7946 0001'])).toEqual(['PHONE_NUMBER']);
    expect(entitiesOf('notes', ['+44 20 7946 0001'])).toEqual([]);
  });

  it('finds e-mail addresses on reserved test domains', () => {
    const r = classifyColumn('email', ['user1@shop.test', 'user2@shop.test', null]);
    expect(r).toEqual({
      sampled: 2,
      entities: [{ entity: 'EMAIL_ADDRESS', matchRatio: 1 }],
      suggestedCategory: 'contact',
    });
  });

  it('keeps the default bar when the column name names another entity', () => {
    expect(entitiesOf('email', ['219456789'])).toEqual([]);
  });
});
