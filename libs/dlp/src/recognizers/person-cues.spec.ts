import { scanText } from '../engine/scanner';

const people = (text: string): string[] =>
  scanText(text, { entities: ['PERSON'] }).map((f) => text.slice(f.start, f.end));

describe('PERSON cues and gazetteer', () => {
  it('reads a lower-case name after "my name is"', () => {
    expect(people('hi, my name is daniel tejada and i lost my card')).toEqual(['daniel tejada']);
  });

  it('finds names with accents and of many origins, accent-insensitively', () => {
    expect(people('I met Zoltán Kovács and Oluwaseun Adeyemi yesterday.')).toEqual([
      'Zoltán Kovács',
      'Oluwaseun Adeyemi',
    ]);
  });

  it('keeps a role word out of the name', () => {
    expect(people('Producer Jane Roe said the budget is final.')).toEqual(['Jane Roe']);
  });

  it('finds each name of a list "A, B and C"', () => {
    expect(people('Attendees: Maria Lopez, Tom Becker and Aiko Tanaka.')).toEqual([
      'Maria Lopez',
      'Tom Becker',
      'Aiko Tanaka',
    ]);
  });

  it('finds a speaker label and a vocative', () => {
    expect(people('[10:22] Susana: are you coming?\n[10:23] Carlos: ok see you, Susana')).toEqual([
      'Susana',
      'Carlos',
      'Susana',
    ]);
  });

  it('leaves names inside street and company names alone', () => {
    expect(people('We stayed near Abbott Street and visited Johnson & Sons Ltd.')).toEqual([]);
    expect(people('shipped to 91 Gleason Parade, Rua Jardim Alexandra 12')).toEqual([]);
  });

  it('does not report a lone known name without a cue', () => {
    expect(people('Victoria is lovely in May.')).toEqual([]);
  });
});
