import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';
import { appManifest } from './src/lib/pwa/manifest.ts';

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			// We register the worker ourselves with workbox-window so that an update is offered, never
			// forced on someone who is typing (src/lib/pwa/update.svelte.ts).
			registerType: 'prompt',
			injectRegister: false,
			strategies: 'generateSW',
			manifest: appManifest,
			kit: { adapterFallback: 'index.html', spa: true },
			workbox: {
				// The PDF font (static/fonts, about 240 KB) is kept too, so a PDF made offline has it.
				globPatterns: ['client/**/*.{js,css,html,ico,png,svg,webp,woff2,ttf,webmanifest}'],
				// Sync traffic must never be answered from the cache or by the app shell.
				navigateFallbackDenylist: [/^\/couchdb(\/|$)/, /^\/_/],
				cleanupOutdatedCaches: true
			}
		})
	],
	// BUILD_NO_MINIFY=1: readable names in a CPU profile of the built app (bench/head-cold-start.ts).
	build: { target: 'es2022', ...(process.env.BUILD_NO_MINIFY ? { minify: false } : {}) },
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'server',
					environment: 'node',
					include: ['tests/server/**/*.test.ts'],
					// Each file starts its own server process; two cores do not want them all at once.
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
