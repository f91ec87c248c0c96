// The Attainment & Achievement overview booklet: schemas and the default framework, the
// calculations, CSV import and export, and the spreadsheet-like grid.
export * from './attainment-schema.ts';
export * from './attainment-calc.ts';
export * from './attainment-csv.ts';
export * from './attainment-grid.ts';
export * from './attainment-snapshots.ts';
export * from './attainment-totals.ts';
export * from './attainment-framework-edit.ts';
