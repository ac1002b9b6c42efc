import { CASELESS_HINTS, UNICODE_HINTS } from '../engine/hint-union';
import { forEachMatch, type Recognizer } from '../engine/recognizer';
import type { Finding } from '../types';
import { fold, HONORIFIC_WORDS, names, nlp } from './person/gazetteer';
import { posVerdict } from './person/pos-check';

/** A capitalised word: a capital, then letters (accents, inner capitals as in McDonald), ' or -. */
const WORD = String.raw`\p{Lu}[\p{Ll}\p{M}](?:[\p{L}\p{M}]|['’-]\p{L}){0,30}`;
/** The first word's capital and letter, not glued to a word, a digit, an address or a dot. */
const FIRST_TWO = String.raw`\p{Lu}[\p{Ll}\p{M}](?<![\p{L}\p{M}\d_@.'’-]\p{Lu}[\p{Ll}\p{M}])`;
/**
 * Up to five capitalised words, with middle initials (with or without a dot) between. The test
 * of what stands before the first word comes after its first two letters: the engine then
 * checks it at the few places a capital and a lower-case letter follow each other, where as the
 * pattern's first item it was asked at every position of the text.
 */
const SEQUENCE = new RegExp(
  String.raw`${FIRST_TWO}(?:[\p{L}\p{M}]|['’-]\p{L}){0,30}(?:[ \t]{1,2}(?:\p{Lu}\.?[ \t]{1,2})?${WORD}){0,4}`,
  'gu',
);
const TOKEN = new RegExp(String.raw`${WORD}|\p{Lu}\.?`, 'gu');

/**
 * A test that `pattern` (ending in `$`) matches at the end of a string, made a look-behind from
 * the end: matched once backwards, where the `$` form is tried from every position of the
 * look-behind window.
 */
function atEnd(pattern: RegExp): RegExp {
  if (!pattern.source.endsWith('$')) {
    throw new Error(`${pattern.source} does not end in $`);
  }
  return new RegExp(`$(?<=${pattern.source.slice(0, -1)})`, pattern.flags);
}

/** Before a name: a cue that makes what follows one ("my name is", honorifics, labels, said). */
const STRONG_BEFORE = atEnd(
  /(?:\b(?:my name is|my name's|i am|i'm|im|call me|this is|it's|je m'appelle|je m’appelle|mon nom est|me llamo|mi nombre es|mi chiamo|il mio nome è|ich heiße|ich heisse|mein name ist|meu nome é|chamo-me|speaking with|signed|regards|sincerely|thanks|thank you|hi|hello|hey|dear|cheers|name|person|contact|patient|deliver to|received from|paid by|sent by|signed by|attn|c\/o|care of|customer|employee|passenger|applicant|attendees|apologies from|reports to|seen by|written by|edited by|met)[,:]?[ \t]*|\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|lady|lord|rev|sig|sra|sr|mme|mlle|herr|frau)\.?[ \t]*)$/i,
);
/** A sign-off on the line before: the name signs the message. */
const SIGN_OFF_BEFORE = atEnd(
  /\b(?:regards|sincerely|cheers|thanks|thank you|best|yours|greetings|saludos|cordialement|grüße|grüsse|saluti|atenciosamente)[,!.]?[ \t]*\r?\n[ \t]*$/i,
);
/** Words after a name that make it one: "said", "asked", "wrote". */
const STRONG_AFTER = /^[ \t]*(?:said|says|asked|wrote|replied|told|called|explained|added)\b/;
/** Weak cues: "by", "with", "to" a name. */
const WEAK_BEFORE = atEnd(/\b(?:by|with|to|for|from|and|cc)[ \t]+$/i);
/** Weak cues that a town ("from Olten") or a company ("Kohler and Kozey") follows as often. */
const PLACE_OR_FIRM_CUE_BEFORE = atEnd(/\b(?:from|and|for)[ \t]+$/i);
/** A speaker label: a name at a line start (after a time stamp) followed by a colon. */
const SPEAKER_AFTER = /^:[ \t]/;
const LINE_START_BEFORE = atEnd(/(?:^|\n)[ \t]*(?:\[[\d:. ]+\][ \t]*)?$/);
/** A vocative opening a sentence: "Name, can you ...". */
const SENTENCE_START_BEFORE = atEnd(/(?:^|[.!?][ \t]+|\n[ \t]*)$/);
const VOCATIVE_OPENING_AFTER =
  /^,[ \t]+(?:can|could|would|will|please|do|did|are|have|you|i|we|let's|thanks|thank)\b/i;
/** A vocative: ", Name!" or ", Name." closing a clause. */
const VOCATIVE_AFTER = /^[ \t]*(?:[!?.]|$)/;
const VOCATIVE_BEFORE = atEnd(/,[ \t]*$/);
/** After a name: a word that makes the words a street or a company. */
const PLACE_AFTER =
  /^[ \t]*(?:&|(?:street|st|avenue|ave|road|rd|lane|drive|way|court|place|square|terrace|gardens|park|close|crescent|mews|flats|knoll|oval|mount|hollow|circle|boulevard|blvd|inc|ltd|llc|gmbh|ag|plc|corp|group|sons|bank|university|hospital|school|hotel|station|airport|investments?|holdings?|partners|consulting|snc|spa|srl|scr|sarl|sa|bv|nv|oy|ab|as)\b)/i;
/** Names in lower case after a strong cue only. */
const LOWER_AFTER_CUE =
  /\b(?:my name is|my name's|i am|i'm|im|call me|this is)[ \t]+(\p{Ll}[\p{Ll}\p{M}'’-]{1,30}(?:[ \t]+\p{Ll}(?:\.|[\p{Ll}\p{M}'’-]{1,30}))?(?:[ \t]+\p{Ll}[\p{Ll}\p{M}'’-]{1,30})?)/giu;

/** A chat time stamp just before: a speaker label, not a form field ("Anschrift:"). */
const TIME_STAMP_BEFORE = atEnd(/\[[\d:. ]+\][ \t]*$/);
/** An address label or phrase just before: the words are a street. */
const ADDRESS_LABEL_BEFORE = atEnd(
  /\b(?:address|adresse|anschrift|indirizzo|dirección|direccion|domicilio|morada|endereço|shipped to|ship to)[ \t]*:?[ \t]*$/i,
);
/** A word ending as a street name does ("Freiherr-vom-Stein-Str"). */
const STREET_WORD_END = /-(?:str|strasse|straße|weg|platz|allee|gasse|ring|damm)$/;

const LOOK_BEHIND = 40;
/** A house number or postcode just before: the words are a street or a town. */
const ADDRESS_BEFORE = atEnd(/\d[\w-]*,?[ \t]$/);
/** Street and place words that open a name in many languages ("Rua Jardim", "São Paulo"). */
const STREET_FIRST =
  /^(?:Rua|Rue|Calle|Camino|Avenida|Av|Via|Viale|Piazza|Praça|Largo|Travessa|Beco|Viela|Alameda|Estrada|Allée|Chemin|Boulevard|Place|Quai|Impasse|Escalinata|Poblado|Colonia|Sección|Urbanización|Paseo|Plaza|Muelle|Puerta|Puente|Subida|Parcela|Contrada|Bairro|Vicolo|Borgo|Ronda|Travesía|Glorieta|Quinta|Monte|Fort|Port|Mount|Saint|St|San|Santa|Santo|São|Bad|Alt|Neu|Sankt|Lake|North|South|East|West|New|Old|Upper|Lower|Great|Little|Payment)\b/u;

interface Token {
  start: number;
  end: number;
  word: string;
  initial: boolean;
  /** In the name list. */
  known: boolean;
  /** In the stop list. */
  stop: boolean;
}

/**
 * The run's words, each looked up in the gazetteer once: the lists are large, and a lookup
 * (mostly cache misses) cost more than the rest of the scoring when repeated per rule.
 */
function tokens(text: string, start: number, value: string): Token[] {
  const { names: known, stop } = names();
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(value)) !== null) {
    const raw = m[0];
    // An initial's dot is no part of the word; most tokens have none to strip.
    const word = fold(raw.charCodeAt(raw.length - 1) === 46 ? raw.slice(0, -1) : raw);
    out.push({
      start: start + m.index,
      end: start + m.index + m[0].length,
      word,
      initial: m[0].length <= 2 && !/\p{Ll}/u.test(m[0]),
      known: known.has(word),
      stop: stop.has(word),
    });
  }
  return out;
}

function push(out: Finding[], start: number, end: number, score: number): void {
  out.push({ entity: 'PERSON', start, end, score });
}

/**
 * Scores one run of capitalised words: the gazetteer says which are names, the words around it
 * how likely a name is there. Leading words that are no names (roles, greetings, common words)
 * are cut off; a run followed by a street or company word is no person.
 */
function scoreRun(text: string, runStart: number, value: string, out: Finding[]): void {
  let toks = tokens(text, runStart, value);
  // After a cue ("Il sig. Max Karlík") a leading name that is also a common word stays; the cue
  // is looked for only then, since the test costs more than the rest of the run's scoring.
  const keepsLead = (t: Token): boolean =>
    t.known && STRONG_BEFORE.test(text.slice(Math.max(0, runStart - LOOK_BEHIND), runStart));
  let lead = 0;
  while (
    lead < toks.length &&
    (toks[lead].initial || (toks[lead].stop && !(lead === 0 && keepsLead(toks[lead]))))
  ) {
    lead++;
  }
  toks = toks.slice(lead);
  // A run cut at the first word that cannot be part of a name (Rachel Green stays whole).
  const cut = toks.findIndex((t, i) => i > 0 && !t.initial && t.stop && !t.known);
  if (cut > 0) {
    toks = toks.slice(0, cut);
  }
  while (toks.length > 0 && toks[toks.length - 1].initial) {
    toks.pop();
  }
  if (toks.length === 0) {
    return;
  }
  const start = toks[0].start;
  const end = toks[toks.length - 1].end;
  if (
    toks.some((t, i) => i > 0 && PLACE_AFTER.test(t.word)) ||
    PLACE_AFTER.test(text.slice(end, end + 12)) ||
    ADDRESS_BEFORE.test(text.slice(Math.max(0, runStart - 12), runStart)) ||
    ADDRESS_LABEL_BEFORE.test(text.slice(Math.max(0, runStart - LOOK_BEHIND), runStart)) ||
    STREET_WORD_END.test(toks[toks.length - 1].word) ||
    STREET_FIRST.test(value)
  ) {
    return;
  }
  const words = toks.filter((t) => !t.initial);
  const knownCount = words.filter((t) => t.known && !t.stop).length;
  if (words.length >= 2 && knownCount === words.length) {
    // Every word a name: no cue can change the score, so none is looked for.
    push(out, start, end, 0.8);
    return;
  }
  const before = text.slice(Math.max(0, start - LOOK_BEHIND), start);
  const after = text.slice(end, end + 16);
  const lineStart = LINE_START_BEFORE.test(before);
  const signOff = SIGN_OFF_BEFORE.test(before);
  const speaker = lineStart && SPEAKER_AFTER.test(after);
  const strong =
    signOff ||
    STRONG_BEFORE.test(before) ||
    STRONG_AFTER.test(after) ||
    speaker ||
    (VOCATIVE_BEFORE.test(before) && VOCATIVE_AFTER.test(after)) ||
    (SENTENCE_START_BEFORE.test(before) && VOCATIVE_OPENING_AFTER.test(after));
  let score = 0;
  if (words.length >= 2) {
    if (knownCount > 0) {
      score = strong ? 0.8 : 0.6;
    } else {
      score = strong && (!lineStart || signOff) ? 0.5 : WEAK_BEFORE.test(before) ? 0.4 : 0;
    }
  } else if (knownCount === 1) {
    // A known name alone with no cue is left out: scored low, a context word nearby
    // ("Customer Care | Reynolds") would lift it. After "with", "to" or "by" the part-of-speech
    // tagger settles it ("leave with Emanuela"); the only window it is asked about.
    score = strong
      ? 0.75
      : WEAK_BEFORE.test(before)
        ? PLACE_OR_FIRM_CUE_BEFORE.test(before)
          ? 0.25
          : uncertain(text, start, end, 0.25, 0.5, 0.1)
        : 0;
  } else if (
    (speaker ? TIME_STAMP_BEFORE.test(before) : strong) &&
    (!words[0].stop || words[0].known)
  ) {
    // One word no lexicon knows as a name ("Thanks, Nonjabulo!", "[10:19] Amabela:"), or a
    // name that is also a common word ("Max"), where only a name fits.
    score = 0.5;
  }
  if (score > 0) {
    push(out, start, end, score);
  }
}

/**
 * A score in the uncertain band, settled by the part-of-speech tagger: `raised` when it takes
 * every word for a proper noun, `lowered` when it takes none for one, else `score` unchanged.
 */
function uncertain(
  text: string,
  start: number,
  end: number,
  score: number,
  raised: number,
  lowered: number,
): number {
  const verdict = posVerdict(text, start, end);
  return verdict === 'name' ? raised : verdict === 'word' ? lowered : score;
}

/** Honorifics and salutations: what follows is a name. */
const HONORIFIC = new RegExp(
  String.raw`(?<![\w])(?:(Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord|Rev)\.?)[ \t]{1,3}(${WORD}(?:[ \t]{1,2}(?:\p{Lu}\.?[ \t]{1,2})?${WORD}){0,2})`,
  'gu',
);
/** Labels such as "Name:" or "Patient -". */
const LABEL = new RegExp(
  String.raw`(?<![\w])(?:full[ _]?name|first[ _]?name|last[ _]?name|surname|given[ _]?name|name|patient|customer|employee|contact|client|signed|attn|author|recipient|sender|applicant|passenger|cardholder|account holder|solicitante|person)["']?[ \t]{0,3}[:=\-–][ \t]{0,3}["']?(${WORD}(?:[ \t]{1,2}(?:\p{Lu}\.?[ \t]{1,2})?${WORD}){0,3})`,
  'giu',
);
/**
 * Whether `(?:M[rsx]|Mrs|Miss|Dr|Prof|Sir|Dame|Lady|Lord|Rev)\b` matches (the honorifics of
 * HONORIFIC): a capital the words start with, the rest of a word, then the words behind it. The
 * engine skips fast to the few capitals, but stopped at every letter the words start with when
 * written as an alternation.
 */
export const HONORIFIC_HINT =
  /[MDPSLR][a-z]{1,3}\b(?<=M[rsx]|Mrs|Miss|Dr|Prof|Sir|Dame|Lady|Lord|Rev)/u;
const hasHonorific = UNICODE_HINTS.add(HONORIFIC_HINT);
const hasLabel = UNICODE_HINTS.add(/[:=\-–][ \t]{0,3}["']?\p{Lu}/u);
/**
 * Whether a cue for a lower-case name is in the text: found from the m that every cue but "this
 * is" ends with or just before its last letter (name, call me, i am, i'm, im), and that one from
 * its h. The engine skips ahead to these letters much faster than to the cues' first letters or
 * to the endings me, am, 'm, im and is, which Latin-like text is full of. Only a cue that a
 * space or tab follows counts, as in LOWER_AFTER_CUE: URLs ending in .name then skip that scan.
 */
export const CUE_HINT =
  /me?(?=[ \t])(?<=\b(?:name|i am|i'm|im|call me))|his is(?=[ \t])(?<=\bthis is)/i;
const hasCue = CASELESS_HINTS.add(CUE_HINT);

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
      if (hasHonorific(text)) {
        forEachMatch(HONORIFIC, text, (m) => {
          const first = fold(m[2].split(/[ \t]/)[0]);
          if (!HONORIFIC_WORDS.has(first)) {
            push(out, m.index + m[0].length - m[2].length, m.index + m[0].length, 0.85);
          }
        });
      }
      if (hasLabel(text)) {
        forEachMatch(LABEL, text, (m) => {
          if (/^\p{Lu}/u.test(m[1])) {
            const end = m.index + m[0].length;
            push(out, end - m[1].length, end, 0.7);
          }
        });
      }
      forEachMatch(SEQUENCE, text, (m) => scoreRun(text, m.index, m[0], out));
      if (hasCue(text)) {
        const { names: known, stop } = names();
        forEachMatch(LOWER_AFTER_CUE, text, (m) => {
          const words = m[1].split(/[ \t]+/);
          let n = 0;
          while (n < words.length && !stop.has(fold(words[n]).replace(/\.$/, ''))) {
            n++;
          }
          if (n === 0 || !words.slice(0, n).some((w) => known.has(fold(w).replace(/\.$/, '')))) {
            return;
          }
          const value = words.slice(0, n).join(' ');
          const start = m.index + m[0].length - m[1].length;
          push(out, start, start + value.length, 0.7);
        });
      }
      if (options.nlp === true) {
        const people = nlp()(text).people().json({ offset: true }) as {
          offset: { start: number; length: number };
        }[];
        for (const p of people) {
          const value = text
            .slice(p.offset.start, p.offset.start + p.offset.length)
            .replace(/[\s.,;:!?'’]+$/, '');
          if (/^[A-Z]/.test(value)) {
            push(out, p.offset.start, p.offset.start + value.length, 0.55);
          }
        }
      }
    },
  };
}

export const personRecognizer: Recognizer = createPersonRecognizer();
