import { scanText } from '../engine/scanner';
import { PERSON_CORPUS } from '../fixtures/person-corpus';

function measure(personNlp: boolean): {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
} {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { text, names } of PERSON_CORPUS) {
    const found = scanText(text, { entities: ['PERSON'], personNlp }).map((f) =>
      text.slice(f.start, f.end),
    );
    const expected = new Set(names);
    for (const f of found) {
      if (expected.has(f)) {
        tp++;
      } else {
        fp++;
      }
    }
    fn += names.filter((n) => !found.includes(n)).length;
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), tp, fp, fn };
}

describe('PERSON recognizer', () => {
  it('finds names after honorifics and labels', () => {
    const text = 'Dear Mr. John Smith, Name: Olivia Martinez';
    expect(scanText(text, { entities: ['PERSON'] }).map((f) => text.slice(f.start, f.end))).toEqual(
      ['John Smith', 'Olivia Martinez'],
    );
  });

  it('reports precision and recall on the labelled corpus (exact spans)', () => {
    const lexicon = measure(false);
    const withNlp = measure(true);
    console.log(
      `PERSON on ${PERSON_CORPUS.length} sentences: lexicon+context precision ${lexicon.precision.toFixed(2)} recall ${lexicon.recall.toFixed(2)} (tp ${lexicon.tp}, fp ${lexicon.fp}, fn ${lexicon.fn}); ` +
        `with compromise NLP precision ${withNlp.precision.toFixed(2)} recall ${withNlp.recall.toFixed(2)} (tp ${withNlp.tp}, fp ${withNlp.fp}, fn ${withNlp.fn})`,
    );
    expect(lexicon.precision).toBeGreaterThanOrEqual(0.8);
    expect(lexicon.recall).toBeGreaterThanOrEqual(0.6);
  });
});
