import type { Recognizer } from '../engine/recognizer';
import type { EntityType } from '../types';
import { creditCardRecognizer } from './credit-card.recognizer';
import { cryptoWalletRecognizer } from './crypto-wallet.recognizer';
import { dateOfBirthRecognizer } from './date-of-birth.recognizer';
import { deTaxIdRecognizer } from './de-tax-id.recognizer';
import { emailRecognizer } from './email.recognizer';
import { esNieRecognizer } from './es-nie.recognizer';
import { esNifRecognizer } from './es-nif.recognizer';
import { frInseeRecognizer } from './fr-insee.recognizer';
import { ibanRecognizer } from './iban.recognizer';
import { ipAddressRecognizer } from './ip-address.recognizer';
import { itFiscalCodeRecognizer } from './it-fiscal-code.recognizer';
import { macAddressRecognizer } from './mac-address.recognizer';
import { personRecognizer } from './person.recognizer';
import { phoneRecognizer } from './phone.recognizer';
import { secretRecognizer } from './secret.recognizer';
import { ukNhsRecognizer } from './uk-nhs.recognizer';
import { ukNinoRecognizer } from './uk-nino.recognizer';
import { urlRecognizer } from './url.recognizer';
import { usPassportRecognizer } from './us-passport.recognizer';
import { usSsnRecognizer } from './us-ssn.recognizer';

/** One recognizer per entity, in the order they run. */
export const RECOGNIZERS: Readonly<Record<EntityType, Recognizer>> = {
  EMAIL_ADDRESS: emailRecognizer,
  PHONE_NUMBER: phoneRecognizer,
  CREDIT_CARD: creditCardRecognizer,
  IBAN_CODE: ibanRecognizer,
  US_SSN: usSsnRecognizer,
  IP_ADDRESS: ipAddressRecognizer,
  URL: urlRecognizer,
  DATE_OF_BIRTH: dateOfBirthRecognizer,
  UK_NHS: ukNhsRecognizer,
  UK_NINO: ukNinoRecognizer,
  US_PASSPORT: usPassportRecognizer,
  CRYPTO_WALLET: cryptoWalletRecognizer,
  MAC_ADDRESS: macAddressRecognizer,
  SECRET: secretRecognizer,
  PERSON: personRecognizer,
  DE_TAX_ID: deTaxIdRecognizer,
  FR_INSEE: frInseeRecognizer,
  ES_NIF: esNifRecognizer,
  ES_NIE: esNieRecognizer,
  IT_FISCAL_CODE: itFiscalCodeRecognizer,
};
