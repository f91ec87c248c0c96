/** How the end-to-end tests reach the server that Playwright starts (playwright.config.ts). */
const port = Number(process.env.E2E_PORT ?? 4319);

export const E2E = {
	port,
	baseURL: `http://127.0.0.1:${port}`,
	dataDir: 'tests/.tmp/e2e-data',
	admin: 'trust-admin',
	password: 'e2e-demo-password-1'
} as const;
