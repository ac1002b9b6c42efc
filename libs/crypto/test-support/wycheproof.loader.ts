import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  [field: string]: unknown;
}

export interface WycheproofGroup {
  tests: WycheproofTest[];
  [field: string]: unknown;
}

/** Reads the shared Wycheproof subset in place; the data set is never copied into the project. */
export class WycheproofLoader {
  /** The repository root is three levels up from libs/crypto/test-support. */
  static readonly directory = path.resolve(__dirname, '../../..', '../shared/datasets/wycheproof');

  static available(): boolean {
    return existsSync(WycheproofLoader.directory);
  }

  static groups(file: string): WycheproofGroup[] {
    const raw = JSON.parse(readFileSync(path.join(WycheproofLoader.directory, file), 'utf8')) as {
      testGroups: WycheproofGroup[];
    };
    return raw.testGroups;
  }

  static hex(test: WycheproofTest | WycheproofGroup, field: string): Buffer {
    const value = test[field];
    if (typeof value !== 'string') {
      throw new Error(`vector field ${field} is not a hex string`);
    }
    return Buffer.from(value, 'hex');
  }
}
