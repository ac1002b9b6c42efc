import { Foundation1764000000000 } from './1764000000000-foundation';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests run the same set. */
export const migrations = [Foundation1764000000000];
