import countries from 'i18n-iso-countries';

/** ISO 3166-1 alpha-2, checked against the officially assigned codes shipped by i18n-iso-countries. */
export function isIsoCountry(code: string): boolean {
  return countries.isValid(code) && /^[A-Z]{2}$/.test(code);
}
