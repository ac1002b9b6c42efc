import { Metadata } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/metadata.max.json';

export { metadataJson };

/** libphonenumber's number types; a number is valid when it matches one of its plan's. */
export const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/** One numbering plan as the runtime metadata API shows it. */
export interface NumberingPlanView {
  callingCode(): string;
  IDDPrefix(): string;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  leadingDigits(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** The runtime metadata API used here; the published typings declare only a few of its methods. */
interface MetadataView {
  hasCountry(region: string): boolean;
  hasCallingCode(code: string): boolean;
  getCountryCodesForCallingCode(code: string): string[] | undefined;
  selectNumberingPlan(regionOrCode: string): void;
  numberingPlan: NumberingPlanView | undefined;
}

/** The max metadata, shared by the shortcuts that read it beside the matcher. */
export const metadata = new Metadata(metadataJson) as unknown as MetadataView;

/** The numbering plan of a region or calling code (undefined for one the metadata lacks). */
export function selectPlan(regionOrCode: string): NumberingPlanView | undefined {
  metadata.selectNumberingPlan(regionOrCode);
  return metadata.numberingPlan;
}

/** A metadata pattern that must match a whole national number. */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}
