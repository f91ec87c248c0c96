import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// Everything a user sees comes from the device's own databases, so the app is a single-page
		// app: one fallback page that the sync server (or any static host) serves for every route.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
		// The service worker is built by vite-plugin-pwa (Workbox), not by SvelteKit.
		serviceWorker: { register: false },
		typescript: {
			config: (config) => {
				config.compilerOptions.allowImportingTsExtensions = true;
				config.include.push(
					'../sync-server/**/*.ts',
					'../tests/**/*.ts',
					'../bench/**/*.ts',
					'../playwright.config.ts'
				);
				return config;
			}
		}
	}
};

export default config;
