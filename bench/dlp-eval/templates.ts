/**
 * Record templates: free text, chat, e-mails, forms, addresses, logs. Every third template is
 * held out: it is generated and scored, but never looked at while tuning recognizers.
 */
import { allFakers, type Faker } from '@faker-js/faker';
import { isValidIBAN } from 'ibantools';
import {
  cardNumber,
  deTaxId,
  esDni,
  esNie,
  frInsee,
  itFiscalCode,
  shortCardNumber,
  ukNhs,
  ukNino,
  usSsn,
} from './ids';
import { honorific, person, type Person } from './people';
import { phoneNumber } from './phones';
import { list, pii, r, type Piece } from './record';

/** Where a record is set: the locale of its addresses and the region of its phone numbers. */
interface Setting {
  f: Faker;
  loc: Faker;
  region: string;
}

export interface Template {
  id: string;
  /** Generated and scored, but never looked at while tuning. */
  heldOut?: true;
  render(s: Setting): Piece[];
}

const SETTINGS: readonly { locale: keyof typeof allFakers; region: string }[] = [
  { locale: 'en_US', region: 'US' },
  { locale: 'en_US', region: 'US' },
  { locale: 'en_GB', region: 'GB' },
  { locale: 'en_GB', region: 'GB' },
  { locale: 'en_CA', region: 'CA' },
  { locale: 'en_AU', region: 'AU' },
  { locale: 'en_IE', region: 'IE' },
  { locale: 'de', region: 'DE' },
  { locale: 'de_AT', region: 'AT' },
  { locale: 'de_CH', region: 'CH' },
  { locale: 'fr', region: 'FR' },
  { locale: 'fr_BE', region: 'BE' },
  { locale: 'es', region: 'ES' },
  { locale: 'it', region: 'IT' },
  { locale: 'nl', region: 'NL' },
  { locale: 'pt_PT', region: 'PT' },
  { locale: 'pl', region: 'PL' },
  { locale: 'sv', region: 'SE' },
  { locale: 'da', region: 'DK' },
];

export function setting(f: Faker): Setting {
  const s = f.helpers.arrayElement(SETTINGS);
  const loc = allFakers[s.locale];
  loc.seed(f.number.int(2 ** 31));
  return { f, loc, region: s.region };
}

const P = (p: Person | string): Piece => pii('PERSON', typeof p === 'string' ? p : p.full);
const phone = (s: Setting, region = s.region): Piece =>
  pii('PHONE_NUMBER', phoneNumber(s.f, region));
const card = (s: Setting): Piece => pii('CREDIT_CARD', cardNumber(s.f));
const email = (s: Setting, p?: Person): Piece =>
  pii(
    'EMAIL_ADDRESS',
    s.f.internet
      .email({ firstName: p?.first, lastName: p?.last })
      .normalize('NFD')
      .replace(/\p{M}/gu, ''),
  );
/** faker's IBANs pass mod 97 but not always the national check digits real accounts carry. */
const iban = (s: Setting): Piece => {
  const formatted = s.f.datatype.boolean();
  for (;;) {
    const value = s.f.finance.iban({ formatted });
    if (isValidIBAN(value.replace(/ /g, ''))) {
      return pii('IBAN_CODE', value);
    }
  }
};
const address = (s: Setting): string =>
  `${s.loc.location.streetAddress(s.f.datatype.boolean())}, ${s.loc.location.zipCode()} ${s.loc.location.city()}`;
const dob = (s: Setting): Piece => {
  const d = s.f.date.birthdate();
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const y = d.getUTCFullYear();
  return pii(
    'DATE_OF_BIRTH',
    s.f.helpers.arrayElement([`${dd}/${mm}/${y}`, `${y}-${mm}-${dd}`, `${dd}.${mm}.${y}`]),
  );
};
const lower = (p: Person): Person => ({
  ...p,
  first: p.first.toLowerCase(),
  last: p.last.toLowerCase(),
  full: p.full.toLowerCase(),
});
const ROLES = ['Producer', 'Director', 'Manager', 'Engineer', 'Nurse', 'Officer', 'Agent', 'Coach'];
const orderNo = (s: Setting): string => s.f.string.numeric({ length: { min: 6, max: 10 } });

export const TEMPLATES: readonly Template[] = [
  {
    id: 'chat-intro',
    render: (s) => {
      const p = person(s.f);
      return r`hi there, my name is ${P(p)} and you can reach me at ${phone(s)} after 5pm`;
    },
  },
  {
    id: 'support-email',
    render: (s) => {
      const p = person(s.f);
      const agent = person(s.f);
      return r`Dear ${honorific(s.f, p)} ${P(p.last)},

Thank you for contacting us about order ${orderNo(s)}. It will be shipped to ${address(s)} within 3-5 working days.

Kind regards,
${P(agent)}
Customer Care | ${s.loc.company.name()}
${phone(s)}`;
    },
  },
  {
    id: 'signup-form',
    heldOut: true,
    render: (s) => {
      const p = person(s.f);
      return r`Full name: ${P(p)}
Email: ${email(s, p)}
Phone: ${phone(s)}
Date of birth: ${dob(s)}
Address: ${address(s)}
Newsletter: ${s.f.helpers.arrayElement(['yes', 'no'])}`;
    },
  },
  {
    id: 'payment-note',
    render: (s) => {
      const p = person(s.f);
      return r`Payment received from ${P(p)}. Card number ${card(s)}, exp ${String(s.f.number.int({ min: 1, max: 12 })).padStart(2, '0')}/${s.f.number.int({ min: 26, max: 31 })}. Amount ${s.f.finance.amount()} EUR, invoice ${orderNo(s)}.`;
    },
  },
  {
    id: 'chat-transcript',
    render: (s) => {
      const a = person(s.f);
      const b = person(s.f);
      return r`[${s.f.date.recent().toISOString().slice(11, 16)}] ${P(a.first)}: are you coming to the ${s.f.word.noun()} tonight?
[${s.f.date.recent().toISOString().slice(11, 16)}] ${P(b.first)}: yes! text me on ${phone(s)} when you're there
[${s.f.date.recent().toISOString().slice(11, 16)}] ${P(a.first)}: ok see you, ${P(b.first)}`;
    },
  },
  {
    id: 'attendee-list',
    heldOut: true,
    render: (s) => {
      const people = [person(s.f), person(s.f), person(s.f)];
      return r`Attendees: ${list(
        people.map((p) => P(p)),
        ', ',
        ' and ',
      )}. Apologies from ${P(person(s.f))}. Room ${s.f.number.int({ min: 100, max: 450 })}, floor ${s.f.number.int({ min: 1, max: 9 })}.`;
    },
  },
  {
    id: 'meeting-notes-roles',
    render: (s) => {
      const a = person(s.f);
      const b = person(s.f);
      return r`${s.f.helpers.arrayElement(ROLES)} ${P(a)} said the ${s.f.word.noun()} budget for Q${s.f.number.int({ min: 1, max: 4 })} is final. ${s.f.helpers.arrayElement(ROLES)} ${P(b)} asked for a follow-up on ${s.f.date.weekday()}.`;
    },
  },
  {
    id: 'lowercase-intro',
    render: (s) => {
      const p = lower(person(s.f));
      return r`${s.f.helpers.arrayElement(['my name is', "i'm", 'this is', 'call me'])} ${P(p)}, i lost my card ${card(s)} yesterday, please block it`;
    },
  },
  {
    id: 'bank-transfer',
    heldOut: true,
    render: (s) => {
      const p = person(s.f);
      return r`Please transfer the deposit to IBAN ${iban(s)} (account holder: ${P(p)}), reference ${orderNo(s)}.`;
    },
  },
  {
    id: 'access-log',
    render: (s) => {
      const p = person(s.f);
      return r`${s.f.date.recent().toISOString()} INFO auth login ok user=${email(s, p)} ip=${pii('IP_ADDRESS', s.f.internet.ipv4())} session=${s.f.string.uuid()} took=${s.f.number.int(900)}ms`;
    },
  },
  {
    id: 'de-tax-form',
    render: (s) => {
      const p = person(s.f);
      return r`Steuerpflichtige Person: ${P(p)}
Steuer-ID: ${pii('DE_TAX_ID', deTaxId(s.f))}
Tel.: ${phone(s, 'DE')}
IBAN: ${iban(s)}
Anschrift: ${allFakers.de.location.streetAddress()}, ${allFakers.de.location.zipCode()} ${allFakers.de.location.city()}`;
    },
  },
  {
    id: 'fr-insee',
    render: (s) => {
      const p = person(s.f);
      return r`Bonjour, je m'appelle ${P(p)}. Mon numéro de sécurité sociale est ${pii('FR_INSEE', frInsee(s.f))} et mon portable ${phone(s, 'FR')}.`;
    },
  },
  {
    id: 'es-ids',
    render: (s) => {
      const p = person(s.f);
      const nie = s.f.datatype.boolean();
      return r`Solicitante: ${P(p)}, ${nie ? 'NIE' : 'DNI'} ${nie ? pii('ES_NIE', esNie(s.f)) : pii('ES_NIF', esDni(s.f))}, teléfono ${phone(s, 'ES')}, domicilio ${allFakers.es.location.streetAddress()}.`;
    },
  },
  {
    id: 'it-codice-fiscale',
    render: (s) => {
      const p = person(s.f);
      return r`Il sig. ${P(p)} (codice fiscale ${pii('IT_FISCAL_CODE', itFiscalCode(s.f, p.first, p.last))}) ha chiamato dal numero ${phone(s, 'IT')}.`;
    },
  },
  {
    id: 'us-hr-record',
    heldOut: true,
    render: (s) => {
      const p = person(s.f);
      return r`Employee record: ${P(`${p.last}, ${p.first}`)} | SSN ${pii('US_SSN', usSsn(s.f))} | hired ${s.f.date.past({ years: 10 }).toISOString().slice(0, 10)} | ext. ${s.f.number.int({ min: 100, max: 999 })}`;
    },
  },
  {
    id: 'address-distractors',
    render: (s) => {
      const pt = `${s.f.number.int({ min: 1000, max: 9999 })}-${s.f.string.numeric(3)}`;
      const br = `${s.f.string.numeric(5)}-${s.f.string.numeric(3)}`;
      return r`Flat ${s.f.number.int({ min: 1, max: 40 })}, ${s.f.number.int({ min: 1, max: 250 })} ${s.loc.location.street()}. Old office: Rua ${allFakers.pt_PT.location.street()} ${s.f.number.int({ min: 1, max: 300 })}, ${pt} Lisboa; warehouse ${br} São Paulo. Call ${phone(s)} for access.`;
    },
  },
  {
    id: 'order-distractors',
    render: (s) =>
      r`Order ${s.f.string.numeric(8)} confirmed on ${s.f.date.recent().toISOString().slice(0, 10)}. Tracking 1Z${s.f.string.alphanumeric({ length: 16, casing: 'upper' })}, parcel ${s.f.string.numeric(10)}, total ${s.f.finance.amount({ min: 100, max: 9999 })} incl. VAT ${s.f.number.int({ min: 5, max: 25 })}%. Version ${s.f.system.semver()}.`,
  },
  {
    id: 'places-and-companies',
    heldOut: true,
    render: (s) => {
      const p = person(s.f);
      const q = person(s.f);
      return r`${s.f.helpers.arrayElement(['Victoria', 'Florence', 'Georgia', 'Jordan', 'Chelsea', 'Austin', 'Regina', 'Sydney'])} is lovely in ${s.f.date.month()}. We stayed near ${p.last} Street and visited ${q.last} & Sons Ltd. before lunch with ${P(person(s.f))}.`;
    },
  },
  {
    id: 'vocative-thanks',
    render: (s) => {
      const p = person(s.f);
      return r`Thanks, ${P(p.first)}! I will forward the contract to ${email(s)} today. ${P(person(s.f).first)}, can you check the ${s.f.word.noun()} figures?`;
    },
  },
  {
    id: 'review',
    render: (s) => {
      const p = person(s.f);
      return r`I met ${P(p)} from ${s.loc.location.city()} at the ${s.f.word.adjective()} conference; ${p.sex === 'female' ? 'she' : 'he'} gave me ${p.sex === 'female' ? 'her' : 'his'} number, ${phone(s)}.`;
    },
  },
  {
    id: 'signature-block',
    heldOut: true,
    render: (s) => {
      const p = person(s.f);
      return r`--
${P(p)}
${s.f.person.jobTitle()}, ${s.loc.company.name()}
T: ${phone(s)} | M: ${phone(s)}
${email(s, p)} | ${pii('URL', `https://www.${s.f.internet.domainName()}`)}`;
    },
  },
  {
    id: 'maestro-short',
    render: (s) =>
      r`Your Maestro card number ${pii('CREDIT_CARD', shortCardNumber(s.f))} has been registered; the old card ${card(s)} is cancelled.`,
  },
  {
    id: 'phone-styles',
    render: (s) => {
      const other = s.f.helpers.arrayElement([
        'FR',
        'BE',
        'NL',
        'DE',
        'GB',
        'US',
        'AU',
        'IE',
        'ES',
        'IT',
        'AT',
        'CH',
        'PT',
        'DK',
        'SE',
        'PL',
      ]);
      return r`Office ${phone(s)}, after hours ${phone(s, other)}, fax ${phone(s)}.`;
    },
  },
  {
    id: 'written-by',
    heldOut: true,
    render: (s) => {
      const a = person(s.f);
      const b = person(s.f);
      return r`"${s.f.lorem.words(4)}" — written by ${P(a)} with ${P(b)}, edited by ${P(person(s.f))}.`;
    },
  },
  {
    id: 'json-record',
    render: (s) => {
      const p = person(s.f);
      return r`{"customer": "${P(p)}", "phone": "${phone(s)}", "card": "${card(s)}", "email": "${email(s, p)}", "ssn": "${pii('US_SSN', usSsn(s.f))}", "status": "active"}`;
    },
  },
  {
    id: 'infra-ticket',
    render: (s) =>
      r`Host ${pii('IP_ADDRESS', s.f.internet.ipv4())} (mac ${pii('MAC_ADDRESS', s.f.internet.mac())}) dropped packets from ${pii('IP_ADDRESS', s.f.internet.ipv6())}; see ${pii('URL', `https://status.${s.f.internet.domainName()}/incidents/${s.f.number.int(9999)}`)}. Port ${s.f.internet.port()}, build ${s.f.string.numeric(7)}.`,
  },
  {
    id: 'hr-last-first',
    heldOut: true,
    render: (s) => {
      const p = person(s.f);
      const mgr = person(s.f);
      return r`${P(`${p.last.toUpperCase()}, ${p.first}`)} — reports to ${P(mgr)}; badge ${s.f.string.numeric(6)}; desk ${s.f.string.alpha({ length: 1, casing: 'upper' })}${s.f.number.int({ min: 10, max: 99 })}.`;
    },
  },
  {
    id: 'delivery',
    render: (s) => {
      const p = person(s.f);
      return r`Deliver to ${P(p)}, ${address(s)}. Ring ${phone(s)} on arrival; leave with ${P(person(s.f).first)} next door if nobody answers.`;
    },
  },
  {
    id: 'patient-note',
    render: (s) => {
      const p = person(s.f);
      return r`Patient: ${P(p)}, NHS number ${pii('UK_NHS', ukNhs(s.f))}, DOB ${dob(s)}, NI ${pii('UK_NINO', ukNino(s.f))}. Seen by ${honorific(s.f, p)} ${P(person(s.f).last)} on ward ${s.f.number.int({ min: 1, max: 30 })}.`;
    },
  },
  {
    id: 'sentence-start-words',
    render: (s) =>
      r`${s.f.helpers.arrayElement(['Will', 'May', 'Mark', 'Grace', 'Rose', 'Hope', 'Faith', 'Bill'])} the ${s.f.word.noun()} be ready by ${s.f.date.weekday()}? ${s.f.helpers.arrayElement(['April', 'June', 'August'])} looks busy; ${s.f.helpers.arrayElement(['Paris', 'Berlin', 'Madrid', 'Vienna', 'Lisbon', 'Dublin'])} office closes at ${s.f.number.int({ min: 4, max: 7 })}pm. ${s.f.company.catchPhrase()}.`,
  },
  {
    id: 'travel-booking',
    render: (s) => {
      const p = person(s.f);
      return r`Passenger ${P(p)}, US passport ${pii('US_PASSPORT', s.f.string.numeric({ length: 9, allowLeadingZeros: false }))}, seat ${s.f.number.int({ min: 1, max: 40 })}${s.f.helpers.arrayElement(['A', 'C', 'F'])}, booking ref ${s.f.string.alpha({ length: 6, casing: 'upper' })}, mobile ${phone(s)}.`;
    },
  },
  {
    id: 'id-documents',
    heldOut: true,
    render: (s) => {
      const p = person(s.f);
      const doc = s.f.helpers.arrayElement([
        ['German tax ID', pii('DE_TAX_ID', deTaxId(s.f))],
        ['French social security number', pii('FR_INSEE', frInsee(s.f))],
        ['Spanish DNI', pii('ES_NIF', esDni(s.f))],
        ['NIE', pii('ES_NIE', esNie(s.f))],
        ['codice fiscale', pii('IT_FISCAL_CODE', itFiscalCode(s.f, p.first, p.last))],
        [
          'passport no.',
          pii('US_PASSPORT', s.f.string.numeric({ length: 9, allowLeadingZeros: false })),
        ],
      ] as const);
      return r`KYC check passed for ${P(p)} on ${s.f.date.recent().toISOString().slice(0, 10)}: ${doc[0]} ${doc[1]} verified, contact number ${phone(s)}, IBAN ${iban(s)}.`;
    },
  },
  {
    id: 'card-dispute-chat',
    heldOut: true,
    render: (s) => {
      const agent = person(s.f);
      const p = person(s.f);
      return r`${P(agent.first)}: Thanks for waiting. Which card is the charge on?
${P(p.first)}: the ${s.f.helpers.arrayElement(['visa', 'debit card', 'credit card', 'card'])} ending... actually the full number is ${card(s)}
${P(agent.first)}: Got it, ${P(p.first)}. We'll call you back on ${phone(s)} within 48 hours.`;
    },
  },
  {
    id: 'server-log',
    heldOut: true,
    render: (s) =>
      r`${s.f.date.recent().toISOString()} WARN gateway upstream=${pii('IP_ADDRESS', s.f.internet.ipv4())}:${s.f.internet.port()} client=${pii('IP_ADDRESS', s.f.internet.ipv6())} hw=${pii('MAC_ADDRESS', s.f.internet.mac())} user=${email(s)} retry=${s.f.number.int(5)} ssn_check=${pii('US_SSN', usSsn(s.f))}`,
  },
];

/** A third of the templates are held out of tuning. */
export function isHeldOut(index: number): boolean {
  return TEMPLATES[index].heldOut === true;
}
