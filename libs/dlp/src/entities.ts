import type { EntityType } from './types';

/** Data categories a column can be put in, as a record of processing names them. */
export type DataCategory =
  | 'contact'
  | 'financial'
  | 'government_id'
  | 'health'
  | 'online_identifier'
  | 'credentials'
  | 'demographic'
  | 'identity';

export interface EntityDescription {
  entity: EntityType;
  description: string;
  category: DataCategory;
}

export const ENTITY_DESCRIPTIONS: Readonly<Record<EntityType, Omit<EntityDescription, 'entity'>>> =
  {
    EMAIL_ADDRESS: {
      description: 'E-mail address whose domain ends in a public suffix',
      category: 'contact',
    },
    PHONE_NUMBER: {
      description: 'Telephone number valid for its region (libphonenumber metadata)',
      category: 'contact',
    },
    CREDIT_CARD: {
      description:
        'Payment card number (12 to 19 digits) in an issuer range, passing the Luhn check; 12 and 13 digits only next to card context',
      category: 'financial',
    },
    IBAN_CODE: {
      description: 'International Bank Account Number with a valid country format and mod-97 check',
      category: 'financial',
    },
    US_SSN: {
      description: 'US Social Security number following the SSA issuance rules',
      category: 'government_id',
    },
    IP_ADDRESS: {
      description: 'IPv4 or IPv6 address, optionally with a zone or CIDR prefix',
      category: 'online_identifier',
    },
    URL: {
      description: 'Web address with a scheme, or a host name ending in a public suffix',
      category: 'online_identifier',
    },
    DATE_OF_BIRTH: {
      description: 'Calendar date a person can have been born on, next to birth-date context',
      category: 'demographic',
    },
    UK_NHS: {
      description: 'UK National Health Service number passing the mod-11 check',
      category: 'health',
    },
    UK_NINO: {
      description: 'UK National Insurance number in the HMRC format',
      category: 'government_id',
    },
    US_PASSPORT: {
      description: 'US passport number (9 digits, or a letter and 8 digits); weak without context',
      category: 'government_id',
    },
    CRYPTO_WALLET: {
      description: 'Bitcoin address (base58check, bech32 or bech32m)',
      category: 'financial',
    },
    MAC_ADDRESS: {
      description: 'Hardware (MAC) address in colon, dash or dotted notation',
      category: 'online_identifier',
    },
    SECRET: {
      description:
        'Credential: cloud access key, GitHub/GitLab/Slack/Stripe token, JWT, private key, or a random value after a word like password',
      category: 'credentials',
    },
    DE_TAX_ID: {
      description:
        'German tax identification number (Steuer-IdNr, 11 digits) passing its MOD 11,10 check',
      category: 'government_id',
    },
    FR_INSEE: {
      description: 'French social security number (NIR / numéro INSEE) with its mod-97 key',
      category: 'government_id',
    },
    ES_NIF: {
      description: 'Spanish DNI / NIF of a person: 8 digits and the control letter',
      category: 'government_id',
    },
    ES_NIE: {
      description: 'Spanish foreigner identity number (NIE): X, Y or Z, 7 digits, control letter',
      category: 'government_id',
    },
    IT_FISCAL_CODE: {
      description: 'Italian codice fiscale (16 characters) with its check letter',
      category: 'government_id',
    },
    PERSON: {
      description:
        'Person\'s name: capitalised words scored by a 197,000-name gazetteer (accent-insensitive) and cues such as honorifics, labels and "my name is" (best effort)',
      category: 'identity',
    },
  };

/** Every entity with a one-line description, for `GET /v1/dlp/entities`. */
export const entityDescriptions: readonly EntityDescription[] = (
  Object.keys(ENTITY_DESCRIPTIONS) as EntityType[]
).map((entity) => ({ entity, ...ENTITY_DESCRIPTIONS[entity] }));
