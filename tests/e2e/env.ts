/** How the end-to-end tests reach the server that Playwright starts (playwright.config.ts). */
const port = Number(process.env.E2E_PORT ?? 4319);

export const E2E = {
	port,
	baseURL: `http://127.0.0.1:${port}`,
	dataDir: 'tests/.tmp/e2e-data',
	admin: 'trust-admin',
	password: 'e2e-demo-password-1'
} as const;

/** Debian's Chromium, and the flags every browser of the tests is started with. */
export const CHROMIUM = {
	path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run',
		'--disable-quic'
	]
};
