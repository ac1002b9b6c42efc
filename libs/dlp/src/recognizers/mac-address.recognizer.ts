import { forEachMatchAt, positionsOf, stickyCopy } from '../engine/anchored-match';
import type { Recognizer } from '../engine/recognizer';

/** Six hex pairs split by one kind of colon or dash, or Cisco's three dotted quads. */
export const MAC =
  /(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w]|[:.-]\w)/g;

const MAC_AT = stickyCopy(MAC);

const SEPARATORS = [':', '-'];

/**
 * Where a MAC can start: two characters before a colon or dash that repeats every three
 * characters four more times, or four before a dot that repeats five later. Dates and times
 * (2024-05-01, 12:30:45) repeat theirs once only, so they are not tried.
 */
export function macStarts(text: string): number[] {
  const starts: number[] = [];
  for (const sep of SEPARATORS) {
    for (const q of positionsOf(text, sep)) {
      if (
        text[q + 3] === sep &&
        text[q + 6] === sep &&
        text[q + 9] === sep &&
        text[q + 12] === sep
      ) {
        starts.push(q - 2);
      }
    }
  }
  for (const q of positionsOf(text, '.')) {
    if (text[q + 5] === '.') {
      starts.push(q - 4);
    }
  }
  return starts;
}

export const macAddressRecognizer: Recognizer = {
  entity: 'MAC_ADDRESS',
  context: ['mac', 'hardware', 'ethernet', 'physical', 'wifi', 'bssid', 'device'],
  mayMatch: () => true,
  find(text, _ctx, out) {
    forEachMatchAt(MAC_AT, text, macStarts(text), (m) => {
      const hex = m[0].replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
      // All-zero and broadcast addresses name no device.
      if (hex === '000000000000' || hex === 'ffffffffffff') {
        return;
      }
      out.push({ entity: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.6 });
    });
  },
};
