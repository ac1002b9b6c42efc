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

  it('reads self-introductions in French, Spanish, Italian, German and Portuguese', () => {
    expect(people("Bonjour, je m'appelle Themba G. Nonyana.")).toEqual(['Themba G. Nonyana']);
    expect(people('Hola, me llamo Ilqar Ələkbərov.')).toEqual(['Ilqar Ələkbərov']);
    expect(people('Il sig. Max Karlík ha chiamato.')).toEqual(['Max Karlík']);
  });

  it('takes the line after a sign-off as its signature', () => {
    expect(people('Thanks again.\n\nKind regards,\nBhekizizwe Magoza\nSupport')).toEqual([
      'Bhekizizwe Magoza',
    ]);
  });

  it('reads an unknown single name as a time-stamped speaker, not a form label', () => {
    expect(people('[10:19] Amabela: are you coming?')).toEqual(['Amabela']);
    expect(people('Anschrift: Hauptweg 4\nSteuer-ID: 12345')).toEqual([]);
  });

  it('finds a name opening a sentence as a vocative', () => {
    expect(people('I sent it today. Bafana, can you check it?')).toEqual(['Bafana']);
  });

  it('finds names after "deliver to", "received from" and a quoted JSON key', () => {
    expect(people('Deliver to Božena E Hodovanj, Brandenburger Str. 14c')).toEqual([
      'Božena E Hodovanj',
    ]);
    expect(people('Payment received from Aytən A Rəşidova.')).toEqual(['Aytən A Rəşidova']);
    expect(people('{"customer": "Slavomir D. Baranka"}')).toEqual(['Slavomir D. Baranka']);
  });

  it('takes unknown two-word names after a weak cue, but not a street after an address label', () => {
    expect(people('The form was signed with Tanirika Nambeesan present.')).toEqual([
      'Tanirika Nambeesan',
    ]);
    expect(people('Anschrift: Meckhofer Feld 30, 69896 Dorsten')).toEqual([]);
  });
});
