import { scanText } from '../engine/scanner';

const phones = (text: string, regions?: string[]): string[] =>
  scanText(text, { entities: ['PHONE_NUMBER'], phone: regions ? { regions } : undefined }).map(
    (f) => text.slice(f.start, f.end),
  );

describe('phone number shapes', () => {
  it('reads European numbers written in pairs, with spaces or dots', () => {
    expect(phones('mon portable 06 12 34 56 78.')).toEqual(['06 12 34 56 78']);
    expect(phones('tél. 01.42.68.53.00')).toEqual(['01.42.68.53.00']);
    expect(phones('ring 34 49 78 91 tonight')).toEqual(['34 49 78 91']);
  });

  it('reads national numbers of the EU, the UK, the US, Canada and Australia by default', () => {
    expect(phones('call 010 414 1918')).toEqual(['010 414 1918']);
    expect(phones('call (02) 9121 9944')).toEqual(['(02) 9121 9944']);
    expect(phones('teléfono 612 33 98 04')).toEqual(['612 33 98 04']);
  });

  it('reads only the configured regions when given', () => {
    expect(phones('mon portable 06 12 34 56 78', ['US'])).toEqual([]);
  });

  it('leaves postcodes alone', () => {
    expect(phones('1261-578 Lisboa, 01310-100 São Paulo, NY 10001-1234')).toEqual([]);
  });

  it('leaves numbers labelled as orders, parcels or invoices alone', () => {
    expect(phones('order 6671 906 832 shipped')).toEqual([]);
    expect(phones('parcel 0612 345 678')).toEqual([]);
  });

  it('still reads a labelled number when a phone word is near', () => {
    expect(phones('customer hotline 0612 345 678')).toEqual(['0612 345 678']);
  });

  it('needs a context word for a national number written as one block', () => {
    expect(phones('invoice total 0612345678 paid')).toEqual([]);
    expect(phones('phone 0612345678')).toEqual(['0612345678']);
    expect(phones('+33612345678')).toEqual(['+33612345678']);
  });

  it('leaves a short number followed by an ISO date alone', () => {
    expect(phones('id 59 2024-05-01T10:00:00Z')).toEqual([]);
  });
});
