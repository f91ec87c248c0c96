import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.ts';
import { E2E } from '../e2e/env.ts';
import { APP_DIR } from './app.ts';

/**
 * The app built to talk to Apache CouchDB directly (PUBLIC_COUCH_URL, CORS on CouchDB), served as
 * static files by our server from an empty data folder: every byte of data is CouchDB's.
 * Run by tests/couchdb/run.ts after the vitest suite has installed and moved the demo trust.
 */
export default defineConfig({
	...base,
	testDir: '.',
	testMatch: '**/*.e2e.ts',
	outputDir: '../../test-results/couchdb',
	webServer: {
		...base.webServer,
		command: `rm -rf tests/.tmp/e2e-couchdb-static && node sync-server/src/main.ts`,
		cwd: '../..',
		env: {
			PORT: String(E2E.port),
			DATA_DIR: 'tests/.tmp/e2e-couchdb-static',
			STATIC_DIR: APP_DIR,
			COUCHDB_USER: 'static-only',
			COUCHDB_PASSWORD: 'static-only-password-1',
			LOG_LEVEL: 'warn'
		}
	}
});
