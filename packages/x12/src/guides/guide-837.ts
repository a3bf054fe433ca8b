/**
 * 837 Health Care Claim: Professional (005010X222A1, A2 errata), Institutional
 * (005010X223A2, A3) and Dental (005010X224A2, A3).
 */
import { SCHEMA_837D, SCHEMA_837I, SCHEMA_837P } from './schema-837.ts';
import type { Guide } from './guide.ts';

const hlParents = { '22': ['20'], '23': ['22'] };
const bht = { structure: ['0019'], purpose: ['00', '18'] };

export const GUIDE_837P: Guide = {
  key: '837P', transaction: '837', versions: ['005010X222A1', '005010X222A2', '005010X222'], name: 'Health Care Claim: Professional', functionalId: 'HC',
  schema: SCHEMA_837P, hlParents, bht,
};
export const GUIDE_837I: Guide = {
  key: '837I', transaction: '837', versions: ['005010X223A2', '005010X223A3', '005010X223A1', '005010X223'], name: 'Health Care Claim: Institutional', functionalId: 'HC',
  schema: SCHEMA_837I, hlParents, bht,
};
export const GUIDE_837D: Guide = {
  key: '837D', transaction: '837', versions: ['005010X224A2', '005010X224A3', '005010X224A1', '005010X224'], name: 'Health Care Claim: Dental', functionalId: 'HC',
  schema: SCHEMA_837D, hlParents, bht,
};
