import type RE2Type from 're2';

let loaded: typeof RE2Type | undefined;

/**
 * RE2's constructor. The native addon is loaded when the first custom recognizer is compiled,
 * so a process that never has one (the log redactor's users, the CLI) never loads it.
 */
export function re2(): typeof RE2Type {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred load needs require
  loaded ??= require('re2') as typeof RE2Type;
  return loaded;
}
