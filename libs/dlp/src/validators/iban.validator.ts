import { electronicFormatIBAN, getCountrySpecifications, isValidIBAN } from 'ibantools';

const SPECS = getCountrySpecifications();

/** The IBAN length for a country, or undefined when the country issues no IBANs. */
export function ibanLength(country: string): number | undefined {
  const spec = SPECS[country];
  return spec?.chars ?? undefined;
}

/** Structure, per-country format and mod-97 check (ISO 13616), via ibantools. */
export function ibanValid(value: string): boolean {
  const electronic = electronicFormatIBAN(value);
  return electronic !== null && isValidIBAN(electronic);
}
