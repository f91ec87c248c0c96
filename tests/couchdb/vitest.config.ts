import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** `npm run test:couchdb` only (tests/couchdb/run.ts): these need a real Apache CouchDB. */
export default defineConfig({
	root: path.resolve(import.meta.dirname, '../..'),
	test: {
		name: 'couchdb',
		environment: 'node',
		include: ['tests/couchdb/**/*.test.ts'],
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 300_000
	}
});
