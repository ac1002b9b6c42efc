import { isIP } from 'node:net';
import { forEachMatchAt, positionsOf, stickyCopy } from '../engine/anchored-match';
import { isAsciiAlnum, isAsciiDigit, type Recognizer } from '../engine/recognizer';

/** Dotted quad with an optional CIDR prefix; node:net decides. */
export const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w)(\/\d{1,2}(?!\d))?/g;
/**
 * A run of hex digits, colons and dots (IPv6 may end in a dotted quad), then an optional zone
 * and prefix. Runs glued to a word or another colon are not addresses (`std::cout`), and the
 * lookahead skips runs without a colon (hex-looking words) before any work is done on them.
 */
export const IPV6 =
  /(?<![\w:.%])(?=[0-9A-Fa-f.]{0,44}:)[0-9A-Fa-f:.]{2,45}(%[0-9A-Za-z._~-]{1,32})?(\/\d{1,4}(?!\d))?/g;

const IPV4_AT = stickyCopy(IPV4);
const IPV6_AT = stickyCopy(IPV6);

function isHexOrDot(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 70) ||
    (code >= 97 && code <= 102) ||
    code === 46
  );
}

/**
 * Where a dotted quad can start: the 1-3 digits before a dot that a digit follows, when the run
 * of digits and dots from there holds the three dots of a quad.
 */
export function ipv4Starts(text: string): number[] {
  const starts: number[] = [];
  for (const q of positionsOf(text, '.')) {
    let p = q;
    while (p > q - 4 && p > 0 && isAsciiDigit(text.charCodeAt(p - 1))) {
      p--;
    }
    if (p < q && q - p <= 3 && isAsciiDigit(text.charCodeAt(q + 1)) && threeDots(text, q)) {
      starts.push(p);
    }
  }
  return starts;
}

/** Whether two more dots follow the one at `q` in the run of digits and dots (a quad's length). */
function threeDots(text: string, q: number): boolean {
  let dots = 1;
  for (let i = q + 1; i < q + 12 && i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (++dots === 3) {
        return true;
      }
    } else if (!isAsciiDigit(code)) {
      return false;
    }
  }
  return false;
}

/** The longest run the IPv6 pattern takes. */
const MAX_RUN = 45;

/**
 * Where an IPv6 run can start: the pattern's lookbehind rules out a hex digit or dot before the
 * start, so it is the beginning of the hex-and-dot run that ends at a colon (at most 44 back).
 * It is tried only where that lookbehind holds (not after a letter, as the hour of an ISO time
 * stamp is, nor after a colon, as an address's later groups are), and only when the run holds
 * `::` or six colons, without which `ipv6Shaped` refuses the address (JSON's `"key":`, times).
 * A match without zone or prefix is a run of the pattern's characters, where every position
 * but the first fails the lookbehind, so a start left out hid no later match.
 */
export function ipv6Starts(text: string): number[] {
  const starts: number[] = [];
  for (const q of positionsOf(text, ':')) {
    // Most colons (JSON keys, labels, prose) are followed by a space or quote: no run goes on,
    // so there is no need to walk back to where it would start.
    if (!continuesRun(text.charCodeAt(q + 1))) {
      continue;
    }
    let p = q;
    while (p > q - MAX_RUN && p > 0 && isHexOrDot(text.charCodeAt(p - 1))) {
      p--;
    }
    if (
      q - p < MAX_RUN &&
      (p === 0 || mayPrecedeRun(text.charCodeAt(p - 1))) &&
      addressColons(text, p)
    ) {
      starts.push(p);
    }
  }
  return starts;
}

/** Whether the colon's next character can go on with the run (`addressColons` needs two). */
function continuesRun(code: number): boolean {
  return isHexOrDot(code) || code === 58 || code === 37 || code === 47;
}

/** Whether IPV6's lookbehind `(?<![\w:.%])` holds after this character. */
function mayPrecedeRun(code: number): boolean {
  return !(isAsciiAlnum(code) || code === 95 || code === 58 || code === 46 || code === 37);
}

/**
 * Whether the run of hex digits, colons and dots the pattern takes from `start` (at most
 * MAX_RUN characters) has `::` or six colons. A run followed by a zone (`%`) or prefix (`/`) is
 * kept: its match reaches past the run, where a start could lie that it hides.
 */
function addressColons(text: string, start: number): boolean {
  let colons = 0;
  const limit = Math.min(text.length, start + MAX_RUN);
  for (let i = start; i < limit; i++) {
    const code = text.charCodeAt(i);
    if (code === 58) {
      if (++colons >= 6 || text.charCodeAt(i - 1) === 58) {
        return true;
      }
    } else if (!isHexOrDot(code)) {
      return code === 37 || code === 47;
    }
  }
  const next = text.charCodeAt(limit);
  return next === 37 || next === 47;
}

/**
 * False for text that cannot be an IPv6 address by its count of colons: without `::` an address
 * has eight groups, or six and a dotted quad. MAC addresses and times stop here, before
 * node:net's pattern, which is slow to say no.
 */
export function ipv6Shaped(addr: string): boolean {
  if (addr.includes('::')) {
    return true;
  }
  let colons = 0;
  for (let i = 0; i < addr.length; i++) {
    if (addr.charCodeAt(i) === 58) {
      colons++;
    }
  }
  return colons === (addr.includes('.') ? 6 : 7);
}

export const ipAddressRecognizer: Recognizer = {
  entity: 'IP_ADDRESS',
  context: ['ip', 'ipv4', 'ipv6', 'address', 'host', 'client', 'remote', 'src', 'dst'],
  mayMatch: (text) => text.includes('.') || text.includes(':'),
  find(text, _ctx, out) {
    forEachMatchAt(IPV4_AT, text, ipv4Starts(text), (m) => {
      const addr = m[1] === undefined ? m[0] : m[0].slice(0, m[0].length - m[1].length);
      if (isIP(addr) !== 4) {
        return;
      }
      const prefixOk = m[1] !== undefined && Number(m[1].slice(1)) <= 32;
      const end = m.index + (prefixOk ? m[0].length : addr.length);
      out.push({ entity: 'IP_ADDRESS', start: m.index, end, score: 0.6 });
    });
    if (!text.includes(':')) {
      return;
    }
    forEachMatchAt(IPV6_AT, text, ipv6Starts(text), (m) => {
      const zone = m[1] ?? '';
      const prefix = m[2] ?? '';
      let addr = m[0].slice(0, m[0].length - zone.length - prefix.length);
      if (!addr.includes(':')) {
        return;
      }
      if (zone === '' && prefix === '') {
        addr = addr.replace(/\.+$/, '');
        const next = text.charCodeAt(m.index + addr.length);
        if (isAsciiAlnum(next) && addr.length === m[0].length) {
          return;
        }
      }
      if (isAsciiAlnum(text.charCodeAt(m.index + m[0].length)) && zone === '' && prefix === '') {
        return;
      }
      if (!ipv6Shaped(addr) || isIP(addr) !== 6) {
        return;
      }
      let end = m.index + addr.length + zone.length;
      if (prefix !== '' && Number(prefix.slice(1)) <= 128) {
        end += prefix.length;
      }
      out.push({ entity: 'IP_ADDRESS', start: m.index, end, score: 0.6 });
    });
  },
};
