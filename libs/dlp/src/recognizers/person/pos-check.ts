import type winkNlpModule from 'wink-nlp';

type WinkNlp = ReturnType<typeof winkNlpModule>;

/** What the tagger makes of a run of words: all proper nouns, none, or a mix. */
export type PosVerdict = 'name' | 'word' | 'unsure';

/** Characters of text tagged on each side of the words: enough for the clause around them. */
const MARGIN = 20;

let tagger: WinkNlp | undefined;

/**
 * wink-nlp with its English model, both shipped in their npm packages (nothing is fetched). The
 * load takes about a second, so it happens on the first uncertain window, not at import.
 */
function load(): WinkNlp {
  if (tagger === undefined) {
    /* eslint-disable @typescript-eslint/no-require-imports -- a synchronous, deferred load */
    const winkNlp = require('wink-nlp') as typeof winkNlpModule;
    const model = require('wink-eng-lite-web-model') as Parameters<typeof winkNlpModule>[0];
    /* eslint-enable @typescript-eslint/no-require-imports */
    tagger = winkNlp(model, ['pos']);
  }
  return tagger;
}

/**
 * Tags the words at `start`..`end` of `text` in the clause around them and says whether the
 * tagger takes every word there for a proper noun (PROPN), none of them, or some.
 */
export function posVerdict(text: string, start: number, end: number): PosVerdict {
  const nlp = load();
  let from = Math.max(0, start - MARGIN);
  const fromBreak = text.lastIndexOf('\n', start - 1);
  if (fromBreak >= from) {
    from = fromBreak + 1;
  }
  let to = Math.min(text.length, end + MARGIN);
  const toBreak = text.indexOf('\n', end);
  if (toBreak !== -1 && toBreak < to) {
    to = toBreak;
  }
  const doc = nlp.readDoc(text.slice(from, to));
  /* eslint-disable @typescript-eslint/unbound-method -- wink's its.* are selectors it calls itself */
  const values = doc.tokens().out(nlp.its.value);
  const spaces = doc.tokens().out(nlp.its.precedingSpaces);
  const tags = doc.tokens().out(nlp.its.pos);
  /* eslint-enable @typescript-eslint/unbound-method */
  let at = from;
  let proper = 0;
  let other = 0;
  for (let i = 0; i < values.length; i++) {
    at += spaces[i].length;
    if (!text.startsWith(values[i], at)) {
      // The tokens no longer line up with the text (a character the tokenizer rewrote).
      return 'unsure';
    }
    const tokenEnd = at + values[i].length;
    if (at >= start && tokenEnd <= end && /\p{L}/u.test(values[i])) {
      if (tags[i] === 'PROPN') {
        proper++;
      } else {
        other++;
      }
    }
    at = tokenEnd;
  }
  if (proper + other === 0) {
    return 'unsure';
  }
  return other === 0 ? 'name' : proper === 0 ? 'word' : 'unsure';
}
