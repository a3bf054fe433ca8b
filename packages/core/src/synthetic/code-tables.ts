/**
 * Code tables for synthetic claims: CPT/HCPCS procedures with Medicare-like base rates and
 * typical chargemaster markups, ICD-10-CM diagnoses (as X12 sends them, without the dot),
 * NUCC taxonomies and names. Amounts are integer cents. Rates are illustrative, not CMS's.
 */
export interface ProcedureDef {
  readonly code: string;
  readonly rateCents: number;
  /** Billed charge = rate × markup (percent). */
  readonly markupPct: number;
  readonly kind: 'em' | 'preventive' | 'lab' | 'imaging' | 'er' | 'procedure' | 'dme' | 'therapy' | 'drug';
  readonly modifiers?: readonly string[];
}

export const PROCEDURES: readonly ProcedureDef[] = [
  { code: '99202', rateCents: 7_500, markupPct: 220, kind: 'em' },
  { code: '99203', rateCents: 11_500, markupPct: 220, kind: 'em' },
  { code: '99212', rateCents: 5_700, markupPct: 230, kind: 'em' },
  { code: '99213', rateCents: 9_200, markupPct: 230, kind: 'em' },
  { code: '99214', rateCents: 13_000, markupPct: 230, kind: 'em' },
  { code: '99215', rateCents: 18_300, markupPct: 230, kind: 'em' },
  { code: '99385', rateCents: 12_000, markupPct: 210, kind: 'preventive' },
  { code: '99386', rateCents: 13_500, markupPct: 210, kind: 'preventive' },
  { code: '99387', rateCents: 14_500, markupPct: 210, kind: 'preventive' },
  { code: '99393', rateCents: 10_500, markupPct: 210, kind: 'preventive' },
  { code: '99395', rateCents: 11_500, markupPct: 210, kind: 'preventive' },
  { code: '99396', rateCents: 12_500, markupPct: 210, kind: 'preventive' },
  { code: 'G0438', rateCents: 17_000, markupPct: 180, kind: 'preventive' },
  { code: 'G0439', rateCents: 13_000, markupPct: 180, kind: 'preventive' },
  { code: '80053', rateCents: 1_050, markupPct: 600, kind: 'lab' },
  { code: '80061', rateCents: 1_350, markupPct: 550, kind: 'lab' },
  { code: '83036', rateCents: 950, markupPct: 600, kind: 'lab' },
  { code: '85025', rateCents: 780, markupPct: 600, kind: 'lab' },
  { code: '84443', rateCents: 1_650, markupPct: 500, kind: 'lab' },
  { code: '81001', rateCents: 320, markupPct: 700, kind: 'lab' },
  { code: '36415', rateCents: 300, markupPct: 800, kind: 'lab' },
  { code: '71046', rateCents: 3_000, markupPct: 450, kind: 'imaging', modifiers: ['26', 'TC'] },
  { code: '73030', rateCents: 3_200, markupPct: 450, kind: 'imaging', modifiers: ['26'] },
  { code: '77067', rateCents: 13_800, markupPct: 300, kind: 'imaging' },
  { code: '70450', rateCents: 11_000, markupPct: 600, kind: 'imaging', modifiers: ['26'] },
  { code: '72148', rateCents: 22_000, markupPct: 500, kind: 'imaging' },
  { code: '93000', rateCents: 1_700, markupPct: 500, kind: 'procedure' },
  { code: '99283', rateCents: 7_000, markupPct: 500, kind: 'er' },
  { code: '99284', rateCents: 12_000, markupPct: 500, kind: 'er' },
  { code: '99285', rateCents: 17_500, markupPct: 500, kind: 'er' },
  { code: '45378', rateCents: 21_000, markupPct: 450, kind: 'procedure' },
  { code: '20610', rateCents: 6_500, markupPct: 400, kind: 'procedure' },
  { code: '11102', rateCents: 10_000, markupPct: 350, kind: 'procedure' },
  { code: '97110', rateCents: 3_000, markupPct: 300, kind: 'therapy' },
  { code: '97140', rateCents: 2_800, markupPct: 300, kind: 'therapy' },
  { code: '96372', rateCents: 1_500, markupPct: 400, kind: 'drug' },
  { code: 'J3301', rateCents: 180, markupPct: 900, kind: 'drug' },
  { code: 'E0114', rateCents: 4_200, markupPct: 250, kind: 'dme' },
  { code: 'E0601', rateCents: 8_000, markupPct: 250, kind: 'dme' },
  { code: 'L3908', rateCents: 5_500, markupPct: 250, kind: 'dme' },
];

/** Revenue codes used on institutional claims, with the HCPCS that usually accompanies them. */
export const OUTPATIENT_REVENUE: ReadonlyArray<readonly [string, string | null]> = [
  ['0300', '80053'], ['0301', '85025'], ['0320', '71046'], ['0350', '70450'], ['0450', '99284'], ['0510', '99213'], ['0730', '93000'], ['0250', null], ['0636', 'J3301'],
];

export interface DiagnosisProfile {
  readonly codes: readonly string[];
  readonly weight: number;
}

/** ICD-10-CM groups by clinical theme, X12 style (no dot). */
export const DIAGNOSES = {
  chronic: ['E119', 'E1165', 'I10', 'E785', 'I2510', 'J449', 'N183', 'F329', 'E039', 'M170', 'I4891', 'I5022', 'G4733', 'K219'],
  acute: ['J069', 'J029', 'N390', 'R079', 'R1010', 'M545', 'S93401A', 'J189', 'H6691', 'B349', 'R51', 'L03116', 'R0602'],
  preventive: ['Z0000', 'Z0001', 'Z1231', 'Z1211', 'Z23', 'Z136'],
  pediatric: ['Z00129', 'J069', 'H6691', 'J029', 'R509', 'L309'],
  pregnancy: ['Z3400', 'Z3480', 'O99019'],
} as const;

export const FIRST_NAMES_F = ['Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Maria', 'Lisa', 'Nancy', 'Ana', 'Grace', 'Emily', 'Aisha', 'Mei', 'Sofia', 'Olivia', 'Emma', 'Ava', 'Chloe', 'Priya'];
export const FIRST_NAMES_M = ['James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Carlos', 'Daniel', 'Matthew', 'Anthony', 'Kevin', 'Wei', 'Jamal', 'Luis', 'Noah', 'Liam', 'Ethan', 'Raj', 'Omar', 'Samuel', 'Henry'];
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson',
  'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell',
  'Carter', 'Roberts', 'Chen', 'Patel', 'Kim', 'Okafor', 'Cohen', 'Murphy', 'Rossi', 'Novak', 'Silva', 'Haddad',
];

export interface SpecialtyDef {
  readonly taxonomy: string;
  readonly specialty: string;
  readonly primaryCare: boolean;
}

export const SPECIALTIES: readonly SpecialtyDef[] = [
  { taxonomy: '207Q00000X', specialty: 'Family Medicine', primaryCare: true },
  { taxonomy: '207R00000X', specialty: 'Internal Medicine', primaryCare: true },
  { taxonomy: '208000000X', specialty: 'Pediatrics', primaryCare: true },
  { taxonomy: '363LF0000X', specialty: 'Nurse Practitioner, Family', primaryCare: true },
  { taxonomy: '207RC0000X', specialty: 'Cardiovascular Disease', primaryCare: false },
  { taxonomy: '207X00000X', specialty: 'Orthopaedic Surgery', primaryCare: false },
  { taxonomy: '2084N0400X', specialty: 'Neurology', primaryCare: false },
  { taxonomy: '207V00000X', specialty: 'Obstetrics & Gynecology', primaryCare: false },
  { taxonomy: '207K00000X', specialty: 'Allergy & Immunology', primaryCare: false },
  { taxonomy: '207N00000X', specialty: 'Dermatology', primaryCare: false },
  { taxonomy: '207RG0100X', specialty: 'Gastroenterology', primaryCare: false },
  { taxonomy: '207P00000X', specialty: 'Emergency Medicine', primaryCare: false },
  { taxonomy: '2085R0202X', specialty: 'Diagnostic Radiology', primaryCare: false },
];

export const CITY_WORDS = ['River', 'Lake', 'Oak', 'Cedar', 'Maple', 'Summit', 'Valley', 'Harbor', 'Prairie', 'Pine', 'Meadow', 'Granite', 'North', 'South', 'Bay', 'Hill'];
