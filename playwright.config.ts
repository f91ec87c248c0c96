import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM, E2E } from './tests/e2e/env.ts';

/**
 * End-to-end tests run the built app, served by the real sync server with a fresh data folder and
 * the demo trust, in Debian's Chromium (Playwright cannot download browsers here).
 */
export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	// One worker: two cores are shared by the server, the browser and the tests.
	workers: 1,
	fullyParallel: false,
	forbidOnly: true,
	timeout: 90_000,
	expect: { timeout: 15_000 },
	reporter: [['list']],
	outputDir: 'test-results',
	use: {
		baseURL: E2E.baseURL,
		locale: 'en-GB',
		timezoneId: 'Europe/London',
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: { executablePath: CHROMIUM.path, args: CHROMIUM.args }
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	webServer: {
		command: `rm -rf ${E2E.dataDir} && node sync-server/src/main.ts --demo`,
		url: `${E2E.baseURL}/couchdb/_up`,
		reuseExistingServer: false,
		timeout: 120_000,
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			PORT: String(E2E.port),
			DATA_DIR: E2E.dataDir,
			STATIC_DIR: 'build',
			DEMO_PASSWORD: E2E.password,
			COUCHDB_USER: E2E.admin,
			COUCHDB_PASSWORD: E2E.password,
			LOG_LEVEL: 'warn'
		}
	}
});
