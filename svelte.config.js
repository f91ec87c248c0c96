import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// Everything a user sees comes from the device's own databases, so the app is a single-page
		// app: one fallback page that the sync server (or any static host) serves for every route.
		// BUILD_DIR: a second build beside ./build (test:couchdb builds one that talks to CouchDB).
		adapter: adapter({
			pages: process.env.BUILD_DIR ?? 'build',
			assets: process.env.BUILD_DIR ?? 'build',
			fallback: 'index.html',
			strict: true
		}),
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
