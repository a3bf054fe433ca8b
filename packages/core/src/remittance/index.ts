export * from './remittance-advice.ts';
