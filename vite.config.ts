import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import fs from 'node:fs';
import path from 'node:path';
import { loadEnv, type Plugin, type ResolvedConfig } from 'vite';
import { defineConfig } from 'vitest/config';
import { appManifest } from './src/lib/pwa/manifest.ts';

/**
 * The app is a single-page app: one fallback page for every route, which preloads only what every
 * route needs. Most starts open the home screen (the manifest's start_url), so its route's modules
 * are preloaded too: fetched while the page parses instead of after the router has started, which
 * on a throttled phone was a second round trip before the list could draw (issue 17). Another
 * route fetches these few small files from the service worker's cache for nothing.
 */
function preloadHomeRoute(): Plugin {
	let config: ResolvedConfig;
	return {
		name: 'si:preload-home-route',
		apply: 'build',
		configResolved(resolved) {
			config = resolved;
		},
		closeBundle: {
			// After SvelteKit's adapter has written the fallback page (the server build's closeBundle).
			order: 'post',
			sequential: true,
			handler() {
				if (!config.build.ssr) return;
				const out = path.resolve(process.env.BUILD_DIR ?? 'build');
				const html = path.join(out, 'index.html');
				type Chunk = { file: string; imports?: string[]; css?: string[] };
				const manifest = JSON.parse(
					fs.readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8')
				) as Record<string, Chunk>;
				const home = Object.keys(manifest).find(
					(k) =>
						/generated\/client-optimized\/nodes\/\d+\.js$/.test(k) &&
						manifest[k]!.file &&
						isHomeNode(k)
				);
				if (!home) throw new Error('preloadHomeRoute: the home route was not found in the build');
				const js = new Set<string>();
				const css = new Set<string>();
				const visit = (key: string) => {
					const chunk = manifest[key]!;
					if (js.has(chunk.file)) return;
					js.add(chunk.file);
					for (const c of chunk.css ?? []) css.add(c);
					for (const i of chunk.imports ?? []) visit(i);
				};
				visit(home);
				// The root error page (node 1, after the root layout's 0): the router loads it at every start.
				const error = Object.keys(manifest).find((k) => k.endsWith('client-optimized/nodes/1.js'));
				if (error) visit(error);
				let page = fs.readFileSync(html, 'utf8');
				const links = [...js, ...css]
					.filter((f) => !page.includes(`href="/${f}"`))
					.map((f) =>
						css.has(f)
							? `<link href="/${f}" rel="preload" as="style">`
							: `<link href="/${f}" rel="modulepreload">`
					);
				page = page.replace('</head>', `\t${links.join('\n\t\t')}\n\t</head>`);
				fs.writeFileSync(html, page);
			}
		}
	};
}

/**
 * The modules every start runs (SvelteKit's client, the root layout and error page, the home route
 * and all they import statically) go into one chunk instead of the twenty or so the bundler would
 * make of them, eight of them under a kilobyte. Each file is a request through the service worker
 * and a task on the page's main thread before the app can start (issue 17). Modules only other
 * routes use, and everything loaded with `import()` (PouchDB, sync, jsPDF), keep their own chunks.
 */
function firstPathChunk(): Plugin {
	const generated = path.resolve('.svelte-kit/generated/client-optimized');
	return {
		name: 'si:first-path-chunk',
		apply: 'build',
		configEnvironment(name) {
			if (name !== 'client') return;
			let first: Set<string> | undefined;
			return {
				build: {
					rollupOptions: {
						output: {
							codeSplitting: {
								groups: [
									{
										debugName: 'first',
										name: (id, ctx) => {
											first ??= staticClosure(
												(m) => ctx.getModuleInfo(m),
												firstPathRoots(generated)
											);
											return first.has(id) && !ctx.getModuleInfo(id)?.isEntry ? 'first' : null;
										}
									}
								]
							}
						}
					}
				}
			};
		}
	};
}

/** The entry modules every start loads: the client runtime, the app, the root nodes, the home. */
function firstPathRoots(generated: string): string[] {
	const nodes = path.join(generated, 'nodes');
	const home = fs
		.readdirSync(nodes)
		.map((f) => path.join(nodes, f))
		.find((f) => isHomeNode(f));
	if (!home) throw new Error('firstPathChunk: the home route was not found');
	return [
		path.resolve('node_modules/@sveltejs/kit/src/runtime/client/entry.js'),
		path.join(generated, 'app.js'),
		path.join(nodes, '0.js'),
		path.join(nodes, '1.js'),
		home
	];
}

type ModuleInfoOf = (id: string) => { importedIds: readonly string[] } | null;

/** Every module reachable from `roots` by static imports. */
function staticClosure(info: ModuleInfoOf, roots: string[]): Set<string> {
	const seen = new Set<string>();
	const visit = (id: string) => {
		if (seen.has(id)) return;
		const module = info(id);
		if (!module) return;
		seen.add(id);
		for (const dep of module.importedIds) visit(dep);
	};
	for (const root of roots) visit(root);
	return seen;
}

/** Whether a generated route node is the home page's (`src/routes/+page.svelte`). */
function isHomeNode(key: string): boolean {
	const source = fs.readFileSync(key, 'utf8');
	return /src\/routes\/\+page\.svelte/.test(source);
}

export default defineConfig(({ mode }) => ({
	// Where the app syncs (src/lib/config.ts), fixed when the app is built: PUBLIC_COUCH_URL from the
	// environment or a .env file, empty for the server that serves the app.
	define: {
		__PUBLIC_COUCH_URL__: JSON.stringify(
			loadEnv(mode, process.cwd(), 'PUBLIC_').PUBLIC_COUCH_URL ?? ''
		)
	},
	plugins: [
		sveltekit(),
		preloadHomeRoute(),
		firstPathChunk(),
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
				cleanupOutdatedCaches: true,
				// The app's hashed files, straight from the cache without a fetch event (static/sw-routes.js).
				importScripts: ['sw-routes.js']
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
}));
