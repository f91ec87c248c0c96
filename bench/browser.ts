/**
 * What the browser benchmarks share: headless Debian Chromium driven by Playwright, a tiny static
 * file server, percentiles, and the page's memory from the DevTools protocol.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import {
	chromium,
	type BrowserContext,
	type BrowserContextOptions,
	type LaunchOptions,
	type Page
} from '@playwright/test';
import { CHROMIUM as TEST_CHROMIUM } from '../tests/e2e/env.ts';

/**
 * Desktop Chromium (about version 156 on) draws its address bar's suggestions as a web page of its
 * own, and starts it with the browser: a second renderer that takes about 0.9 s of CPU in the
 * first 2.6 s, on this machine's two cores, while the app starts. A phone's browser has no such
 * page, so the benchmarks turn it off (`BENCH_OMNIBOX=1` leaves it on). It is what made the head's
 * cold start 0.7-1.1 s slower on Chromium 156 than on 150 (docs/NOTES.md, stop 20).
 */
export const DESKTOP_OMNIBOX = [
	'WebUIOmniboxPopup',
	'WebUIOmniboxAimPopup',
	'WebUIOmniboxFullPopup'
];

/** The tests' Chromium and flags (tests/e2e/env.ts), and the omnibox's popup turned off. */
export const CHROMIUM: LaunchOptions = {
	executablePath: TEST_CHROMIUM.path,
	headless: true,
	args: [
		...TEST_CHROMIUM.args,
		...(process.env.BENCH_OMNIBOX ? [] : [`--disable-features=${DESKTOP_OMNIBOX.join(',')}`])
	]
};

/**
 * Chromium with a profile of its own on disk, as a phone's browser keeps its IndexedDB: the
 * benchmarks' pages open here, not in a new (incognito) context, whose IndexedDB is held in
 * memory. On Debian's Chromium 150 that in-memory store is several times slower than the disk's,
 * and slower the more it has held (measured once by hand, docs/NOTES.md, stop 39). `close`
 * removes the profile.
 */
export async function launchProfile(
	options: BrowserContextOptions = {}
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'si-bench-profile-'));
	const context = await chromium.launchPersistentContext(dir, { ...CHROMIUM, ...options });
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		close: async () => {
			await context.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

export async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.svg': 'image/svg+xml'
};

/** Serves a folder on a free local port; returns its origin and a stop function. */
export async function serveFolder(
	dir: string
): Promise<{ url: string; stop: () => Promise<void> }> {
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const file = path.join(
			dir,
			path.normalize(url.pathname === '/' ? '/index.html' : url.pathname)
		);
		if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
		fs.createReadStream(file).pipe(res);
	});
	const port = await freePort();
	await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${port}`,
		stop: () => new Promise<void>((r) => server.close(() => r()))
	};
}

/** The page's JavaScript heap and DOM size, from the DevTools protocol. */
export async function pageMemory(page: Page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Performance.enable');
	await cdp.send('HeapProfiler.collectGarbage');
	const { metrics } = await cdp.send('Performance.getMetrics');
	await cdp.detach();
	const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
	return {
		jsHeapUsed: get('JSHeapUsedSize'),
		jsHeapTotal: get('JSHeapTotalSize'),
		nodes: get('Nodes')
	};
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;

export function percentile(xs: number[], p: number): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** One figure against its aim, saying plainly whether the aim is met. */
export function against(label: string, value: number, aim: number, unit = 'ms'): string {
	const shown = unit === 'ms' ? ms(value) : `${value} ${unit}`;
	return `${label}: ${shown} (aim < ${aim} ${unit}: ${value < aim ? 'met' : 'MISSED'})`;
}
