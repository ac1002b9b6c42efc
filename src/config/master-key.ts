import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EnvSchema } from './env.schema';

const KEY_BYTES = 32;

function decode(value: string, source: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`${source} must be ${KEY_BYTES} bytes encoded as base64`);
  }
  return key;
}

/**
 * MASTER_KEY_PREVIOUS: retired root keys kept only to read keyring keys wrapped before a rotation.
 * Errors name the variable, never a value.
 */
export function resolvePreviousMasterKeys(env: EnvSchema, active: Buffer): Buffer[] {
  const entries = (env.MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const keys = entries.map((entry) => Buffer.from(entry, 'base64'));
  if (keys.some((key) => key.length !== KEY_BYTES)) {
    throw new Error(
      `MASTER_KEY_PREVIOUS must be comma-separated ${KEY_BYTES}-byte keys encoded as base64`,
    );
  }
  const seen = new Set([active.toString('hex')]);
  for (const key of keys) {
    if (seen.has(key.toString('hex'))) {
      throw new Error('MASTER_KEY_PREVIOUS must not repeat a key or contain the active master key');
    }
    seen.add(key.toString('hex'));
  }
  return keys;
}

/* eslint-disable security/detect-non-literal-fs-filename -- the paths below are MASTER_KEY_FILE,
   an operator's setting, or the development key under .data */
/** MASTER_KEY, else MASTER_KEY_FILE, else (outside production) a generated development key. */
export function resolveMasterKey(env: EnvSchema, cwd: string): Buffer {
  if (env.MASTER_KEY) {
    return decode(env.MASTER_KEY, 'MASTER_KEY');
  }
  if (env.MASTER_KEY_FILE) {
    const path = resolve(cwd, env.MASTER_KEY_FILE);
    if (!existsSync(path)) {
      throw new Error('MASTER_KEY_FILE points to a file that does not exist');
    }
    return decode(readFileSync(path, 'utf8'), 'MASTER_KEY_FILE');
  }
  if (env.NODE_ENV === 'production') {
    throw new Error('MASTER_KEY or MASTER_KEY_FILE is required when NODE_ENV=production');
  }
  const path = join(cwd, '.data', 'master.key');
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600 });
    process.emitWarning(
      `No MASTER_KEY set: generated a development master key in ${path}. Never use it in production.`,
    );
  }
  return decode(readFileSync(path, 'utf8'), '.data/master.key');
}
/* eslint-enable security/detect-non-literal-fs-filename */
