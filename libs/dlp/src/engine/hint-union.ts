/**
 * Whole-text hints of several recognizers that share their flags: quick tests, asked of every
 * text and nearly always false, that decide whether a recognizer's patterns run. The regex
 * engine scans a text once for their union much faster than once for each (half the
 * instructions for three), so the union is asked first, once per text: when it finds nothing,
 * no hint can; when it finds something (rarely), each hint asked is tested on its own.
 */
export class HintUnion {
  private readonly hints: RegExp[] = [];
  private union: RegExp | undefined;
  private lastText: string | undefined;
  private lastAnswer = false;

  constructor(private readonly flags: string) {}

  /** Adds `hint` (non-global, with this union's flags) and returns its test. */
  add(hint: RegExp): (text: string) => boolean {
    if (hint.flags !== this.flags) {
      throw new Error(`hint /${hint.source}/${hint.flags} lacks the union's flags ${this.flags}`);
    }
    this.hints.push(hint);
    this.union = undefined;
    this.lastText = undefined;
    return (text) => this.mayHold(text) && hint.test(text);
  }

  /** Whether one of the hints may hold in `text` (false is certain). */
  private mayHold(text: string): boolean {
    if (text !== this.lastText) {
      this.union ??= new RegExp(this.hints.map((h) => h.source).join('|'), this.flags);
      this.lastText = text;
      this.lastAnswer = this.union.test(text);
    }
    return this.lastAnswer;
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
