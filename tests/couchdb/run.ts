/**
 * `npm run test:couchdb`: this server beside a real Apache CouchDB 3 (COUCHDB_URL, with an admin's
 * name and password, of a CouchDB that holds no trust of its own). Without COUCHDB_URL it says so
 * and succeeds: CI starts one when ../shared/couchdb/start.sh exists (.ci/run).
 *   1. tests/couchdb/*.test.ts (vitest): install-couchdb twice, accounts, replication both ways,
 *      the rules matrix on both servers;
 *   2. the app built with PUBLIC_COUCH_URL (into tests/.tmp/app-couchdb), CORS set on CouchDB,
 *      and tests/couchdb/*.e2e.ts in Chromium.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { E2E } from '../e2e/env.ts';
import { ROOT } from '../server/helpers.ts';
import { allowAppOrigin, APP_DIR } from './app.ts';
import { couchFromEnv } from './couch.ts';

if (!process.env.COUCHDB_URL) {
	console.log(
		'test:couchdb skipped: COUCHDB_URL is not set. To run it, set COUCHDB_URL to an Apache CouchDB 3 ' +
			'admin URL (e.g. http://admin:pass@127.0.0.1:5984) of a CouchDB without a trust of its own.'
	);
	process.exit(0);
}
const couch = couchFromEnv();
const env = {
	...process.env,
	PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`
};
const step = (what: string, cmd: string, args: string[], extra: Record<string, string> = {}) => {
	console.log(`\ntest:couchdb: ${what}`);
	const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...env, ...extra } });
	if (r.status !== 0) {
		console.error(`test:couchdb: ${what} failed`);
		process.exit(r.status ?? 1);
	}
};

console.log(`test:couchdb against ${couch.url}`);
step('installer, accounts, replication, rules', 'vitest', [
	'run',
	'--config',
	'tests/couchdb/vitest.config.ts'
]);
step('building the app for CouchDB', 'vite', ['build', '--logLevel', 'warn'], {
	BUILD_DIR: APP_DIR,
	PUBLIC_COUCH_URL: couch.url
});
await allowAppOrigin(couch, E2E.baseURL);
step('the app against CouchDB in Chromium', 'playwright', [
	'test',
	'--config',
	'tests/couchdb/playwright.config.ts'
]);
console.log('\ntest:couchdb: all passed');
