import { forEachMatch, type Recognizer } from '../engine/recognizer';

/** Six hex pairs split by one kind of colon or dash, or Cisco's three dotted quads. */
const MAC =
  /(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w]|[:.-]\w)/g;

export const macAddressRecognizer: Recognizer = {
  entity: 'MAC_ADDRESS',
  context: ['mac', 'hardware', 'ethernet', 'physical', 'wifi', 'bssid', 'device'],
  mayMatch: () => true,
  find(text, _ctx, out) {
    forEachMatch(MAC, text, (m) => {
      const hex = m[0].replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
      // All-zero and broadcast addresses name no device.
      if (hex === '000000000000' || hex === 'ffffffffffff') {
        return;
      }
      out.push({ entity: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.6 });
    });
  },
};
