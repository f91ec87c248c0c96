export * from './common.ts';
export * from './school.ts';
export * from './trust.ts';
export * from './evaluation.ts';
export * from './visit.ts';
export * from './roles.ts';
export * from './rules.ts';
export * from './attainment.ts';
