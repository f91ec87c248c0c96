import { chromium, expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E } from './env.ts';
import { offlineHere } from './helpers.ts';

test.describe('installable, offline-capable app', () => {
	test('the app shell opens offline once the service worker is installed', async ({
		page,
		context
	}) => {
		await page.goto('/');
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

		await context.setOffline(true);
		await page.reload();
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		const online = await offlineHere(page);
		await expect(page.getByText('This device is offline.')).toBeVisible();

		// A deep link opened offline is answered by the cached app shell too.
		await page.goto('/settings');
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		await online();
		await context.setOffline(false);
	});

	test('the app starts offline from the service worker alone, with the HTTP cache gone', async ({
		page,
		context
	}) => {
		await page.goto('/');
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		// The day after, the browser's HTTP cache may have expired or been cleared: everything the
		// app needs to start must come from what the service worker keeps, not from that cache.
		const cdp = await context.newCDPSession(page);
		await cdp.send('Network.clearBrowserCache');
		await cdp.detach();
		const fromNetwork: string[] = [];
		page.on('requestfailed', (r) => fromNetwork.push(new URL(r.url()).pathname));

		await context.setOffline(true);
		await page.reload();
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		const online = await offlineHere(page);
		await expect(page.getByText('This device is offline.')).toBeVisible();
		expect(fromNetwork.filter((p) => !p.startsWith('/couchdb'))).toEqual([]);
		await online();
		await context.setOffline(false);
	});

	test('a start takes the app’s hashed files straight from the cache, without the worker', async ({
		page
	}) => {
		await page.goto('/');
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await page.reload();
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		// Resource timing says where the worker's router sent each request: 'cache' is the static
		// route of static/sw-routes.js; 'fetch-event' would mean the worker's JavaScript ran for it.
		const sources = await page.evaluate(() =>
			performance
				.getEntriesByType('resource')
				.filter((e) => new URL(e.name).pathname.startsWith('/_app/immutable/'))
				.map((e) => [
					new URL(e.name).pathname,
					(e as PerformanceResourceTiming & { workerMatchedSourceType?: string })
						.workerMatchedSourceType ?? 'none'
				])
		);
		expect(sources.length).toBeGreaterThan(3);
		for (const [path, source] of sources) expect(source, path).toBe('cache');
	});

	test('meets the installability criteria', async ({ request, launchOptions }) => {
		const manifest = await (await request.get('/manifest.webmanifest')).json();
		expect(manifest).toMatchObject({
			name: expect.stringContaining('SI visits'),
			short_name: 'SI visits',
			start_url: '/',
			display: 'standalone',
			lang: 'en-GB'
		});
		const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
		expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
		expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBe(true);
		for (const icon of manifest.icons as { src: string; type: string }[]) {
			const res = await request.get(icon.src);
			expect(res.status(), icon.src).toBe(200);
			expect(res.headers()['content-type']).toContain(icon.type);
		}

		// Chromium never offers to install from an incognito context, so use a real profile.
		const profile = await mkdtemp(join(tmpdir(), 'si-profile-'));
		const context = await chromium.launchPersistentContext(profile, {
			...launchOptions,
			baseURL: E2E.baseURL
		});
		try {
			const page = await context.newPage();
			await page.goto('/');
			await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
			await page.reload();
			await expect
				.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
				.toBe(true);
			// Chromium's own installability check: what Lighthouse and the install prompt use.
			const cdp = await context.newCDPSession(page);
			const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
			expect(installabilityErrors).toEqual([]);
		} finally {
			await context.close();
			await rm(profile, { recursive: true, force: true });
		}
	});

	test('the server never caches the page or the worker, and caches hashed assets for good', async ({
		request,
		page
	}) => {
		const index = await request.get('/');
		expect(index.headers()['cache-control']).toContain('no-cache');
		const sw = await request.get('/sw.js');
		expect(sw.headers()['cache-control']).toContain('no-cache');
		await page.goto('/');
		const asset = await page.evaluate(
			() =>
				performance
					.getEntriesByType('resource')
					.map((e) => e.name)
					.find((n) => n.includes('/_app/immutable/')) ?? ''
		);
		expect(asset).not.toBe('');
		const res = await request.get(asset);
		expect(res.headers()['cache-control']).toContain('immutable');
	});
});
