/** Numbers published in advertising or by the SSA as examples; never issued to a person. */
const SAMPLE_SSNS = new Set(['078051120', '219099999', '457555462', '123456789', '987654320']);

/**
 * US SSN rules (SSA, after 2011 randomisation): area not 000, 666 or 9xx; group not 00; serial
 * not 0000; not one digit repeated; not a known sample. Mixed delimiters are rejected.
 */
export function ssnValid(value: string): boolean {
  const delimiters = value.replace(/\d/g, '');
  if (delimiters.length > 0 && new Set(delimiters).size > 1) {
    return false;
  }
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 9) {
    return false;
  }
  const area = digits.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') {
    return false;
  }
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') {
    return false;
  }
  if (/^(\d)\1{8}$/.test(digits)) {
    return false;
  }
  return !SAMPLE_SSNS.has(digits);
}
