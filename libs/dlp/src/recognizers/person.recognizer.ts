import type nlpModule from 'compromise';
import { forEachMatch, type Recognizer } from '../engine/recognizer';

type Nlp = typeof nlpModule;

let loaded: Nlp | undefined;
/**
 * compromise (tens of MB of lexicon and tagger) is loaded on first use, not at import: most
 * processes that import the recognizers never run PERSON on text that needs it.
 */
function nlp(): Nlp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous, deferred load
  loaded ??= require('compromise') as Nlp;
  return loaded;
}

type Lexicon = Record<string, string | string[]>;

const FIRST_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName']);
const LAST_TAGS = new Set(['LastName']);

function tagsOf(entry: string | string[] | undefined): string[] {
  return entry === undefined ? [] : Array.isArray(entry) ? entry : [entry];
}

/** compromise ships ~3,000 first names and ~900 surnames in its lexicon; no model download. */
function loadNames(): { first: Set<string>; last: Set<string> } {
  const lexicon = (nlp().model() as { one: { lexicon: Lexicon } }).one.lexicon;
  const first = new Set<string>();
  const last = new Set<string>();
  for (const [word, entry] of Object.entries(lexicon)) {
    const tags = tagsOf(entry);
    if (tags.some((t) => FIRST_TAGS.has(t))) {
      first.add(word);
    }
    if (tags.some((t) => LAST_TAGS.has(t))) {
      last.add(word);
    }
  }
  return { first, last };
}

let names: { first: Set<string>; last: Set<string> } | undefined;
function lexicon(): { first: Set<string>; last: Set<string> } {
  names ??= loadNames();
  return names;
}

const NAME_WORD = String.raw`\p{Lu}\p{Ll}{1,20}(?:[-'’]\p{Lu}?\p{Ll}{1,20})?`;
const NAME_SEQ = String.raw`${NAME_WORD}(?:[ \t]{1,3}(?:[A-Z]\.[ \t]{1,3})?${NAME_WORD}){0,2}`;

/** Honorifics and salutations: what follows is a name. */
const HONORIFIC = new RegExp(
  String.raw`(?<![\w])(?:(Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord|Rev)\.?|(Dear|Hi|Hello|Hey|Thanks|Regards|Sincerely|Cheers))[ \t,]{1,3}(${NAME_SEQ})`,
  'gu',
);
/** Labels such as "Name:" or "Patient -". */
const LABEL = new RegExp(
  String.raw`(?<![\w])(?:full[ _]?name|first[ _]?name|last[ _]?name|surname|given[ _]?name|name|patient|customer|employee|contact|client|signed|attn|author|recipient|sender|applicant)[ \t]{0,3}[:=\-–][ \t]{0,3}["']?(${NAME_SEQ})`,
  'giu',
);
/**
 * Texts where HONORIFIC can match: one of its words at a word start, then a dot, comma or space.
 * Starting with one letter class lets the regex engine skip ahead fast, which HONORIFIC itself,
 * a lookbehind before an alternation, does not.
 */
const HONORIFIC_HINT =
  /[MDPSLRHTC](?<![\w].)(?:r|rs|s|iss|x|ame|ear|rof|ir|incerely|ady|ord|ev|egards|ello|ey|i|hanks|heers)[., \t]/;
/** Texts where LABEL can yield a name: a separator, then a capital letter. */
const LABEL_HINT = /[:=\-–][ \t]{0,3}["']?\p{Lu}/u;
/** Two or three capitalised words: a name when the first is a known first name. */
const CAPITALISED = new RegExp(String.raw`(?<![\p{L}\d_@.])(${NAME_SEQ})`, 'gu');
const NOT_NAME = new Set([
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'inc',
  'ltd',
  'llc',
  'corp',
  'university',
  'county',
  'city',
  'bank',
  'hospital',
  'school',
  'park',
  'lane',
  'drive',
  'company',
  'group',
]);

const HONORIFICS = new Set([
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
  'dear',
  'hi',
  'hello',
  'hey',
  'thanks',
  'regards',
  'sincerely',
  'cheers',
]);

function push(
  out: Parameters<Recognizer['find']>[2],
  start: number,
  value: string,
  score: number,
): void {
  out.push({ entity: 'PERSON', start, end: start + value.length, score });
}

function lexiconScore(value: string): number {
  const { first, last } = lexicon();
  if (!/[ \t]/.test(value)) {
    // Most capitalised words stand alone: no split needed.
    const word = value.toLowerCase();
    return first.has(word) && !NOT_NAME.has(word) && !HONORIFICS.has(word) ? 0.25 : 0;
  }
  const words = value.split(/[ \t]+/).filter((w) => !/^[A-Z]\.$/.test(w));
  const lower = words.map((w) => w.toLowerCase());
  if (lower.some((w) => NOT_NAME.has(w) || HONORIFICS.has(w))) {
    return 0;
  }
  if (words.length >= 2 && first.has(lower[0])) {
    return last.has(lower[lower.length - 1]) ? 0.75 : 0.6;
  }
  if (
    words.length >= 2 &&
    last.has(lower[lower.length - 1]) &&
    first.has(lower[lower.length - 2])
  ) {
    return 0.6;
  }
  return words.length === 1 && first.has(lower[0]) ? 0.25 : 0;
}

export interface PersonOptions {
  /** Also run compromise's full tagger (much slower; better recall on unusual names). */
  nlp?: boolean;
}

export function createPersonRecognizer(options: PersonOptions = {}): Recognizer {
  return {
    entity: 'PERSON',
    context: [
      'name',
      'person',
      'patient',
      'customer',
      'employee',
      'contact',
      'mr',
      'mrs',
      'ms',
      'dear',
      'signed',
      'author',
      'user',
    ],
    // Nearly every text has a capital; the patterns below find the few that matter.
    mayMatch: () => true,
    find(text, _ctx, out) {
      if (HONORIFIC_HINT.test(text)) {
        forEachMatch(HONORIFIC, text, (m) => {
          if (HONORIFICS.has(m[3].split(/[ \t]/)[0].toLowerCase())) {
            return;
          }
          push(out, m.index + m[0].length - m[3].length, m[3], m[1] !== undefined ? 0.85 : 0.7);
        });
      }
      if (LABEL_HINT.test(text)) {
        forEachMatch(LABEL, text, (m) => {
          if (/^\p{Lu}/u.test(m[1])) {
            push(out, m.index + m[0].length - m[1].length, m[1], 0.7);
          }
        });
      }
      forEachMatch(CAPITALISED, text, (m) => {
        const score = lexiconScore(m[1]);
        if (score > 0) {
          push(out, m.index, m[1], score);
        }
      });
      if (options.nlp === true) {
        const people = nlp()(text).people().json({ offset: true }) as {
          offset: { start: number; length: number };
        }[];
        for (const p of people) {
          const value = text
            .slice(p.offset.start, p.offset.start + p.offset.length)
            .replace(/[\s.,;:!?'’]+$/, '');
          if (/^[A-Z]/.test(value)) {
            push(out, p.offset.start, value, 0.55);
          }
        }
      }
    },
  };
}

export const personRecognizer: Recognizer = createPersonRecognizer();
