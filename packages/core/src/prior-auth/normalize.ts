/** ICD-10-CM codes are compared without their dot and in upper case ("M54.16" = "M5416"). */
export const normalizeDiagnosis = (code: string): string => code.replace(/\./g, '').toUpperCase();
