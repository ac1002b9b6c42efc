import { forEachMatch, type Recognizer } from '../engine/recognizer';
import { bitcoinBase58AddressValid } from '../validators/base58check.validator';
import { bitcoinSegwitAddressValid } from '../validators/bech32.validator';

/**
 * Bitcoin: legacy/script addresses (base58check) and segwit/taproot (bech32, bech32m). Every
 * address starts with a word character, so a word boundary says what a look-behind for a
 * non-word one would, and the engine finds it faster.
 */
const WALLET =
  /\b(?:bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})(?!\w)/g;

export const cryptoWalletRecognizer: Recognizer = {
  entity: 'CRYPTO_WALLET',
  context: ['wallet', 'btc', 'bitcoin', 'crypto', 'address'],
  mayMatch: () => true,
  find(text, _ctx, out) {
    forEachMatch(WALLET, text, (m) => {
      const v = m[0];
      const ok =
        v[0] === 'b' || v[0] === 'B' ? bitcoinSegwitAddressValid(v) : bitcoinBase58AddressValid(v);
      if (ok) {
        out.push({ entity: 'CRYPTO_WALLET', start: m.index, end: m.index + v.length, score: 1 });
      }
    });
  },
};
