/** Prior authorization use cases (CMS-0057-F): submission, review, rules, metrics, CRD, X12 278, demo data. */
export * from './auth-rule-sets.ts';
export * from './coverage-requirements.ts';
export * from './notify-subscribers.ts';
export * from './prior-auth-metrics.ts';
export * from './review-prior-auth.ts';
export * from './seed-prior-auth.ts';
export * from './submit-278.ts';
export * from './submit-prior-auth.ts';
