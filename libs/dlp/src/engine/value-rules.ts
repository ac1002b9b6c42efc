import type { EntityType, Finding } from '../types';
import { hasContext } from './context';

const SECRET_KEYS = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'api key',
  'private key',
  'credential',
  'credentials',
  'passphrase',
  'client secret',
  'access key',
  'authorization',
];
const NAME_KEYS = [
  'name',
  'full name',
  'first name',
  'last name',
  'surname',
  'given name',
  'firstname',
  'lastname',
  'fullname',
  'surname',
  'display name',
  'contact name',
  'customer name',
];
const NOT_NAME_KEYS = [
  'file',
  'host',
  'user',
  'company',
  'product',
  'display',
  'domain',
  'path',
  'table',
  'column',
  'bucket',
  'key',
  'event',
  'service',
  'app',
  'device',
  'street',
  'city',
  'country',
];
const PERSON_VALUE = /^[\p{Lu}][\p{L}'’.-]{0,30}(?:[ ][\p{L}'’.-]{1,30}){0,3}$/u;

/**
 * Rules for a whole value whose key (or column name) says what it is: under `password` any value
 * is a secret, and a short capitalised value under `name` is a person's name.
 */
export function valueFindings(
  text: string,
  keyWords: readonly string[],
  entities: readonly EntityType[],
  out: Finding[],
): void {
  const value = text.trim();
  if (value.length === 0) {
    return;
  }
  const start = text.indexOf(value);
  if (entities.includes('SECRET') && hasContext(SECRET_KEYS, keyWords) && !/\s/.test(value)) {
    out.push({ entity: 'SECRET', start, end: start + value.length, score: 0.8 });
  }
  if (
    entities.includes('PERSON') &&
    hasContext(NAME_KEYS, keyWords) &&
    !keyWords.some((w) => NOT_NAME_KEYS.includes(w)) &&
    PERSON_VALUE.test(value)
  ) {
    out.push({ entity: 'PERSON', start, end: start + value.length, score: 0.7 });
  }
}
