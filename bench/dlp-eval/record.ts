/** A generated record: its text and where each piece of personal data lies in it. */
export interface GoldSpan {
  entity: string;
  start: number;
  end: number;
}

export interface EvalRecord {
  template: string;
  heldOut: boolean;
  text: string;
  gold: GoldSpan[];
}

/** A labelled value inside a template. */
export interface Labelled {
  entity: string;
  value: string;
}

export type Piece = string | number | Labelled | readonly Piece[];

export function pii(entity: string, value: string): Labelled {
  return { entity, value };
}

/** Tagged template: literal text, plain strings and labelled values, flattened into a record. */
export function r(strings: TemplateStringsArray, ...values: Piece[]): Piece[] {
  const out: Piece[] = [];
  strings.forEach((s, i) => {
    out.push(s);
    if (i < values.length) {
      out.push(values[i]);
    }
  });
  return out;
}

export function assemble(pieces: readonly Piece[]): { text: string; gold: GoldSpan[] } {
  let text = '';
  const gold: GoldSpan[] = [];
  const walk = (p: Piece): void => {
    if (typeof p === 'string' || typeof p === 'number') {
      text += String(p);
    } else if (Array.isArray(p)) {
      (p as readonly Piece[]).forEach(walk);
    } else {
      const l = p as Labelled;
      gold.push({ entity: l.entity, start: text.length, end: text.length + l.value.length });
      text += l.value;
    }
  };
  pieces.forEach(walk);
  return { text, gold };
}

/** Joins pieces with `sep`, "A, B and C" style when `last` is given. */
export function list(items: readonly Piece[], sep = ', ', last?: string): Piece[] {
  const out: Piece[] = [];
  items.forEach((item, i) => {
    if (i > 0) {
      out.push(i === items.length - 1 && last !== undefined ? last : sep);
    }
    out.push(item);
  });
  return out;
}
