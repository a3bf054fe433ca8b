export * from './attribute.ts';
export * from './attribution-model.ts';
