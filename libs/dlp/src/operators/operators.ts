import { createHmac } from 'node:crypto';
import { DlpError, DlpErrorCode } from '../errors';
import type { EntityLabel } from '../types';

/** How one entity's findings are rewritten. */
export type Operator =
  | { type: 'redact' }
  | { type: 'replace'; value?: string }
  | { type: 'mask'; char?: string; keepLast?: number }
  | { type: 'hash' }
  | { type: 'encrypt' };

/** Produces a field ciphertext for a value; the service plugs libs/crypto in here. */
export type Encrypter = (value: string, entity: EntityLabel) => string | Promise<string>;

export interface OperatorConfig {
  /** Per entity label; `DEFAULT` applies to the rest. Without either: replace with `<ENTITY>`. */
  operators?: Partial<Record<EntityLabel, Operator>>;
  /** HMAC-SHA-256 key for `hash`; required when any finding uses it. */
  hashKey?: string | Uint8Array;
  encrypt?: Encrypter;
}

export function operatorFor(entity: EntityLabel, config: OperatorConfig): Operator {
  return config.operators?.[entity] ?? config.operators?.DEFAULT ?? { type: 'replace' };
}

/** Rejects an unusable configuration before any value is touched. */
export function checkOperators(config: OperatorConfig): void {
  for (const op of Object.values(config.operators ?? {})) {
    if (op === undefined) {
      continue;
    }
    switch (op.type) {
      case 'redact':
      case 'replace':
        break;
      case 'mask':
        if (
          (op.char !== undefined && [...op.char].length !== 1) ||
          (op.keepLast !== undefined && (!Number.isInteger(op.keepLast) || op.keepLast < 0))
        ) {
          throw new DlpError(
            DlpErrorCode.InvalidOperator,
            'mask needs a single char and a non-negative integer keepLast',
          );
        }
        break;
      case 'hash':
        if (config.hashKey === undefined || config.hashKey.length === 0) {
          throw new DlpError(DlpErrorCode.MissingHashKey, 'The hash operator needs a key');
        }
        break;
      case 'encrypt':
        if (config.encrypt === undefined) {
          throw new DlpError(
            DlpErrorCode.MissingEncrypter,
            'The encrypt operator needs an encrypt function',
          );
        }
        break;
      default:
        throw new DlpError(DlpErrorCode.InvalidOperator, 'Unknown operator type');
    }
  }
}

/** Keeps the last `keepLast` code points; surrogate pairs count as one character. */
function mask(value: string, char: string, keepLast: number): string {
  const chars = [...value];
  const keep = Math.min(keepLast, chars.length);
  return char.repeat(chars.length - keep) + chars.slice(chars.length - keep).join('');
}

/** The replacement for one value; only `encrypt` can be asynchronous. */
export function applyOperator(
  value: string,
  entity: EntityLabel,
  config: OperatorConfig,
): string | Promise<string> {
  const op = operatorFor(entity, config);
  switch (op.type) {
    case 'redact':
      return '';
    case 'replace':
      return op.value ?? `<${entity}>`;
    case 'mask':
      return mask(value, op.char ?? '*', op.keepLast ?? 0);
    case 'hash':
      if (config.hashKey === undefined) {
        throw new DlpError(DlpErrorCode.MissingHashKey, 'The hash operator needs a key');
      }
      return createHmac('sha256', config.hashKey).update(value, 'utf8').digest('hex');
    case 'encrypt':
      if (config.encrypt === undefined) {
        throw new DlpError(
          DlpErrorCode.MissingEncrypter,
          'The encrypt operator needs an encrypt function',
        );
      }
      return config.encrypt(value, entity);
  }
}
