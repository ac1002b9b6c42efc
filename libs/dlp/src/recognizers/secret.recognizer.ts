import { CASELESS_HINTS, UNICODE_HINTS } from '../engine/hint-union';
import { forEachMatch, type Recognizer } from '../engine/recognizer';
import { looksLikeSecret } from '../validators/entropy.validator';

interface TokenPattern {
  re: RegExp;
  score: number;
}

/** Issuer-specific token formats: their prefixes make them near-certain. */
const TOKENS: readonly TokenPattern[] = [
  {
    re: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
    score: 0.9,
  },
  { re: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g, score: 1 },
  { re: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,244}(?![A-Za-z0-9_])/g, score: 1 },
  {
    re: /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,64}(?![A-Za-z0-9_-])/g,
    score: 1,
  },
  { re: /(?<![A-Za-z0-9-])xox[abposr]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])/g, score: 1 },
  {
    re: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]{4,16}\/B[A-Za-z0-9_]{4,16}\/[A-Za-z0-9_]{16,40}/g,
    score: 1,
  },
  { re: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g, score: 1 },
  { re: /(?<![A-Za-z0-9_])whsec_[A-Za-z0-9]{24,64}(?![A-Za-z0-9_])/g, score: 1 },
  {
    re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,4096}\.eyJ[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,2048}(?![A-Za-z0-9_-])/g,
    score: 0.95,
  },
  {
    re: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\s\S]{1,16384}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g,
    score: 1,
  },
  { re: /(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, score: 0.9 },
];

/**
 * Quick test for the token prefixes above (AKIA..., AIza, gh?_, github_pat_, glpat-..., xox?-,
 * hooks.slack, _live_, _test_, whsec_, eyJ, -----BEGIN), so most text skips them entirely.
 * Each prefix is looked for from a rare character of it (`A`, `_`, `-`, `J`, `.`) and checked
 * behind that: the regex engine skips ahead fast to a few rare characters, but tries every
 * common letter a plain alternation of the prefixes starts with.
 */
export const TOKEN_HINT =
  /A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|NPA|NVA|IPA|Iza)|_(?:live_|test_|pat_(?<=github_pat_)|(?<=gh[pousr]_|whsec_))|-(?:----BEGIN|(?<=gl(?:pat|dt|rt|ptt|cbt|oas)-|xox[abposr]-))|J(?<=eyJ)|\.slack(?<=hooks\.slack)/u;
const hasTokenPrefix = UNICODE_HINTS.add(TOKEN_HINT);

const KEYWORDS = String.raw`pass(?:word|wd|phrase)?|pwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|auth[_-]?token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|credentials?|authorization`;

/**
 * A keyword such as password/secret/token, then `:` or `=` (or "is"), then a value. The value
 * must look random (entropy and character classes) to count.
 */
const KEYWORD_VALUE = new RegExp(
  String.raw`(?<![A-Za-z0-9])(?:${KEYWORDS})["']?\s{0,3}(?:[:=]|\bis\b)\s{0,3}(?:bearer\s{1,3}|basic\s{1,3})?["']?([^\s"',;&<>{}]{8,512})`,
  'gi',
);
/**
 * Texts where KEYWORD_VALUE can match: a separator with a keyword before it. Looking for the
 * separator first and then behind it is faster than trying each keyword at every position.
 */
const KEYWORD_HINT = new RegExp(
  String.raw`(?:[:=]|\bis\b)(?<=(?<![A-Za-z0-9])(?:${KEYWORDS})["']?\s{0,3}(?:[:=]|is))`,
  'i',
);
const hasKeyword = CASELESS_HINTS.add(KEYWORD_HINT);
/** A bearer credential in a header or log line. */
const BEARER = /\bBearer\s{1,3}([A-Za-z0-9._~+/-]{20,4096}=*)/g;

export const secretRecognizer: Recognizer = {
  entity: 'SECRET',
  context: ['password', 'secret', 'token', 'key', 'api', 'credential', 'auth', 'bearer', 'private'],
  mayMatch: () => true,
  find(text, _ctx, out) {
    if (hasTokenPrefix(text)) {
      for (const t of TOKENS) {
        forEachMatch(t.re, text, (m) => {
          out.push({
            entity: 'SECRET',
            start: m.index,
            end: m.index + m[0].length,
            score: t.score,
          });
        });
      }
    }
    if (hasKeyword(text)) {
      forEachMatch(KEYWORD_VALUE, text, (m) => {
        if (looksLikeSecret(m[1])) {
          const end = m.index + m[0].length;
          out.push({ entity: 'SECRET', start: end - m[1].length, end, score: 0.75 });
        }
      });
    }
    if (text.includes('Bearer')) {
      forEachMatch(BEARER, text, (m) => {
        const end = m.index + m[0].length;
        out.push({ entity: 'SECRET', start: end - m[1].length, end, score: 0.85 });
      });
    }
  },
};
