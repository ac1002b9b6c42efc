import type nlpModule from 'compromise';

type Nlp = typeof nlpModule;
type Lexicon = Record<string, string | string[]>;

let loadedNlp: Nlp | undefined;
/**
 * compromise (tens of MB of lexicon and tagger) is loaded on first use, not at import: most
 * processes that import the recognizers never run PERSON on text that needs it.
 */
export function nlp(): Nlp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous, deferred load
  loadedNlp ??= require('compromise') as Nlp;
  return loadedNlp;
}

/** Lower case without accents: "Müller" and "muller" are one key. */
export function fold(word: string): string {
  const lower = word.toLowerCase();
  // eslint-disable-next-line no-control-regex -- ASCII words need no decomposition
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

const NAME_TAGS = new Set([
  'FirstName',
  'MaleName',
  'FemaleName',
  'LastName',
  'Person',
  'Honorific',
]);

/** Words that are never a name on their own in text: street and company words, roles, places. */
const NOT_NAMES = [
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'lane',
  'drive',
  'way',
  'court',
  'place',
  'square',
  'terrace',
  'gardens',
  'park',
  'hill',
  'close',
  'crescent',
  'row',
  'mews',
  'flats',
  'knoll',
  'oval',
  'mount',
  'lights',
  'hollow',
  'circle',
  'boulevard',
  'blvd',
  'highway',
  'rue',
  'rua',
  'calle',
  'strasse',
  'straße',
  'str',
  'weg',
  'platz',
  'via',
  'piazza',
  'apt',
  'suite',
  'inc',
  'ltd',
  'llc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'srl',
  'spa',
  'bv',
  'plc',
  'corp',
  'co',
  'company',
  'group',
  'sons',
  'bank',
  'university',
  'hospital',
  'school',
  'hotel',
  'station',
  'airport',
  'county',
  'city',
  'care',
  'team',
  'support',
  'office',
  'attendees',
  'apologies',
  'room',
  'floor',
  'producer',
  'director',
  'manager',
  'engineer',
  'nurse',
  'officer',
  'agent',
  'coach',
  'ceo',
  'cto',
  'cfo',
  'president',
  'chairman',
  'senator',
  'judge',
  'captain',
  'detective',
  'inspector',
  'professor',
  'customer',
  'patient',
  'employee',
  'passenger',
  'host',
  'client',
  'user',
  'admin',
  'order',
  'invoice',
  'total',
];

/** Cues before a name that make it one: after these, a known name alone is reported. */
export const HONORIFIC_WORDS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'dame',
  'lady',
  'lord',
  'rev',
  'sig',
  'sra',
  'sr',
  'mme',
  'mlle',
  'herr',
  'frau',
  'dear',
  'hi',
  'hello',
  'hey',
  'thanks',
  'regards',
  'sincerely',
  'cheers',
  'bonjour',
  'hola',
  'ciao',
  'hallo',
]);

interface Gazetteer {
  names: Set<string>;
  stop: Set<string>;
}

let gazetteer: Gazetteer | undefined;

/**
 * humannames (MIT, about 197,000 first and last names of many origins, ASCII) as the name list;
 * compromise's lexicon words that it does not tag as names (common words, places, months) and
 * the list above as the stop list.
 */
export function names(): Gazetteer {
  if (gazetteer === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- 4 MB, loaded on first use
    const list = require('humannames') as Record<string, number>;
    const all = new Set<string>();
    for (const n of Object.keys(list)) {
      all.add(fold(n));
    }
    const lexicon = (nlp().model() as { one: { lexicon: Lexicon } }).one.lexicon;
    const stop = new Set<string>(NOT_NAMES);
    for (const [word, entry] of Object.entries(lexicon)) {
      const tags = Array.isArray(entry) ? entry : [entry];
      if (!tags.some((t) => NAME_TAGS.has(t)) && !word.includes(' ')) {
        stop.add(word);
      }
    }
    for (const w of HONORIFIC_WORDS) {
      stop.add(w);
    }
    gazetteer = { names: all, stop };
  }
  return gazetteer;
}
