import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Minimal `.env` reader: KEY=value lines, `#` comments, optional single or double quotes. */
export function readDotEnv(cwd: string): Record<string, string> {
  const path = join(cwd, '.env');
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the .env of the working directory
  if (!existsSync(path)) {
    return {};
  }
  const out: Record<string, string> = {};
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the .env of the working directory
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    // eslint-disable-next-line security/detect-unsafe-regex -- linear: one optional prefix, then fixed classes around one '='
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match || line.startsWith('#')) {
      continue;
    }
    const value = match[2].replace(/^(['"])(.*)\1$/, '$2');
    out[match[1]] = value;
  }
  return out;
}
