export * from './carc.ts';
export * from './service-category.ts';
