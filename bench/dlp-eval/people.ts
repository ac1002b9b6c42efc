/** Names of many origins (Latin script), with and without their accents. */
import { allFakers, type Faker } from '@faker-js/faker';

/** Locales whose names are written in Latin script. */
const NAME_LOCALES = [
  'en_US',
  'en_GB',
  'en_IE',
  'en_IN',
  'en_NG',
  'en_GH',
  'yo_NG',
  'zu_ZA',
  'af_ZA',
  'de',
  'fr',
  'es',
  'es_MX',
  'it',
  'pt_BR',
  'pt_PT',
  'nl',
  'pl',
  'cs_CZ',
  'sk',
  'hu',
  'ro',
  'hr',
  'tr',
  'vi',
  'id_ID',
  'sv',
  'nb_NO',
  'da',
  'fi',
  'lv',
  'az',
] as const;

export interface Person {
  first: string;
  last: string;
  /** A middle name or initial, when the person has one. */
  middle?: string;
  full: string;
  sex: 'female' | 'male';
}

function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '');
}

function single(s: string): string {
  // Some locales give "Mary Ann" or "van der Berg"; keep names that are one or two words.
  return s.trim();
}

/** A person from a random Latin-script locale; accents removed in a quarter of them. */
export function person(f: Faker): Person {
  const locale = f.helpers.arrayElement(NAME_LOCALES);
  const lf = allFakers[locale];
  lf.seed(f.number.int(2 ** 31));
  const sex = f.helpers.arrayElement(['female', 'male'] as const);
  let first = single(lf.person.firstName(sex));
  let last = single(lf.person.lastName(sex));
  if (f.number.int(3) === 0) {
    first = stripAccents(first);
    last = stripAccents(last);
  }
  let middle: string | undefined;
  const m = f.number.int(9);
  if (m === 0) {
    middle = `${stripAccents(lf.person.firstName(sex))[0]}.`;
  } else if (m === 1) {
    middle = stripAccents(lf.person.firstName(sex))[0];
  }
  const full = middle === undefined ? `${first} ${last}` : `${first} ${middle} ${last}`;
  return { first, last, middle, full, sex };
}

export function honorific(f: Faker, p: Person): string {
  return p.sex === 'female'
    ? f.helpers.arrayElement(['Ms.', 'Mrs.', 'Ms', 'Dr.', 'Miss'])
    : f.helpers.arrayElement(['Mr.', 'Mr', 'Dr.', 'Prof.']);
}
