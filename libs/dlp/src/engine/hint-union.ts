/**
 * Whole-text hints of several recognizers that share their flags: quick tests, asked of every
 * text and nearly always false, that decide whether a recognizer's patterns run. The regex
 * engine scans a text once for their union much faster than once for each (half the
 * instructions for three), so the union is asked first, once per text: when it finds nothing,
 * no hint can. When it finds something, the hint whose alternative matched holds, and no other
 * hint can match before that place, so each other hint asked is looked for from there on (its
 * lookbehinds still see the text before). Digit-run hints hold in half the texts, and searching
 * each from the start again cost as much as the union.
 */
export class HintUnion {
  private readonly hints: RegExp[] = [];
  /** Each hint, global, to search from a given place. */
  private readonly fromPlace: RegExp[] = [];
  /** The union, global, each hint's alternative a capturing group (first after its own groups). */
  private union: RegExp | undefined;
  /** The union's group index of each hint's alternative. */
  private groupOf: number[] = [];
  private lastText: string | undefined;
  /** The union's first match in `lastText`. */
  private lastMatch: RegExpExecArray | null = null;

  constructor(private readonly flags: string) {}

  /** Adds `hint` (non-global, with this union's flags, no named groups) and returns its test. */
  add(hint: RegExp): (text: string) => boolean {
    if (hint.flags !== this.flags) {
      throw new Error(`hint /${hint.source}/${hint.flags} lacks the union's flags ${this.flags}`);
    }
    const i = this.hints.length;
    this.hints.push(hint);
    this.fromPlace.push(new RegExp(hint.source, `${this.flags}g`));
    this.union = undefined;
    this.lastText = undefined;
    return (text) => this.holds(text, i);
  }

  private holds(text: string, i: number): boolean {
    if (text !== this.lastText) {
      this.search(text);
    }
    if (this.lastMatch === null) {
      return false;
    }
    if (this.lastMatch[this.groupOf[i]] !== undefined) {
      return true;
    }
    const hint = this.fromPlace[i];
    hint.lastIndex = this.lastMatch.index;
    return hint.test(text);
  }

  private search(text: string): void {
    if (this.union === undefined) {
      const groupOf: number[] = [];
      let groups = 0;
      for (const h of this.hints) {
        groups += 1;
        groupOf.push(groups);
        // The hint's own capturing groups: those of an alternation that matches the empty text.
        groups += new RegExp(`${h.source}|`, this.flags).exec('')!.length - 1;
      }
      this.groupOf = groupOf;
      this.union = new RegExp(this.hints.map((h) => `(${h.source})`).join('|'), `${this.flags}g`);
    }
    this.lastText = text;
    this.union.lastIndex = 0;
    this.lastMatch = this.union.exec(text);
  }
}

/** Hints written for Unicode mode (ASCII-only ones mean the same there). */
export const UNICODE_HINTS = new HintUnion('u');
/** Case-insensitive hints. */
export const CASELESS_HINTS = new HintUnion('i');
/**
 * Digit-run hints of the number recognizers (cards, SSN, NHS, NINO, national ids). Each starts
 * at a digit, so the engine skips ahead over their union as fast as over one of them, and about
 * half the texts (prose, most log lines) hold none.
 */
export const DIGIT_HINTS = new HintUnion('');
