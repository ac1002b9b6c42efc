import { scanText } from '../../engine/scanner';
import { posVerdict } from './pos-check';

const verdict = (text: string, words: string): string => {
  const start = text.indexOf(words);
  return posVerdict(text, start, start + words.length);
};

const people = (text: string): string[] =>
  scanText(text, { entities: ['PERSON'] }).map((f) => text.slice(f.start, f.end));

describe('PERSON part-of-speech check', () => {
  it('takes a first name after "with" for a proper noun', () => {
    expect(verdict('Leave the parcel with Emanuela next door.', 'Emanuela')).toBe('name');
  });

  it('takes a full name with accents for proper nouns', () => {
    expect(verdict('Leave the parcel with Åsa Ødegård next door.', 'Åsa Ødegård')).toBe('name');
  });

  it('takes a capitalised common word used as a noun for no name', () => {
    expect(verdict('The Will of the people is clear.', 'Will')).toBe('word');
  });

  it('takes a lower-case name in running text for no name', () => {
    expect(verdict('he spoke with emanuela yesterday', 'emanuela')).toBe('word');
  });

  it('is unsure when it tags some of the words as proper nouns and some not', () => {
    expect(verdict('Please call Rose Garden tomorrow.', 'Rose Garden')).toBe('unsure');
  });

  it('tags only the line the words are on', () => {
    expect(verdict('Total: 12\nLeave it with Emanuela next door.', 'Emanuela')).toBe('name');
  });

  it('reports a known first name after a weak cue when the tagger takes it for a name', () => {
    expect(people('Ring 020 7941 5795 on arrival; leave with Emanuela next door.')).toEqual([
      'Emanuela',
    ]);
  });

  it('leaves a known name after "from" to the gazetteer alone: a town is as likely', () => {
    expect(people('I met them from Olten at the conference.')).toEqual([]);
  });

  it('loads the tagger only for a window in the uncertain band', () => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock('wink-nlp', () => {
        loaded = true;
        return jest.requireActual('wink-nlp');
      });
      const { scanText: scan } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module registry
        require('../../engine/scanner') as typeof import('../../engine/scanner');
      scan('Dear Mr Jonathan Smith, thank you.', { entities: ['PERSON'] });
      expect(loaded).toBe(false);
      scan('Please leave it with Emanuela next door.', { entities: ['PERSON'] });
      expect(loaded).toBe(true);
    });
  });
});
