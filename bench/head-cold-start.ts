/**
 * Head's cold start benchmark (issue 7): the real sync server (a temporary data folder, the demo
 * trust, 500 next steps added to one school through its HTTP API) serving the built app; a head
 * signs in once on a 360 x 740 phone-sized Chromium, then the browser is closed and opened again
 * with the same profile, CPU throttled 4x, for each run. Measured from navigation to the head's
 * home with every next step on screen ("visible"), and to the first quiet moment of the main
 * thread after it, with no long task for a second ("usable"); also how long the list takes to
 * answer a search typed at once. Not a timed test: `npm run bench` (run `npm run build` first).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';
import {
	NextStep,
	nextStepDocId,
	ProgressUpdate,
	progressDocId,
	SCHEMA_VERSION
} from '../src/lib/domain/index.ts';
import { CHROMIUM, against, freePort, ms, percentile } from './browser.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TMP = path.join(ROOT, 'bench/.tmp/head-cold-start');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PASSWORD = 'bench-password-1';
const SCHOOL = 'st-aidans';
const HEAD = 'head.st-aidans';
const STEPS = Number(process.env.BENCH_STEPS ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const YEAR = '2026-27';

async function startServer(port: number) {
	fs.rmSync(path.join(TMP, 'data'), { recursive: true, force: true });
	const proc = spawn(NODE, [path.join(ROOT, 'sync-server/src/main.ts'), '--demo'], {
		env: {
			...process.env,
			PORT: String(port),
			DATA_DIR: path.join(TMP, 'data'),
			STATIC_DIR: path.join(ROOT, 'build'),
			DEMO_PASSWORD: PASSWORD,
			COUCHDB_USER: 'bench-admin',
			COUCHDB_PASSWORD: PASSWORD,
			LOG_LEVEL: 'error'
		},
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let err = '';
	proc.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-5000)));
	const exited = new Promise<void>((r) => proc.once('exit', () => r()));
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`the server exited:\n${err}`);
		const up = await fetch(`http://127.0.0.1:${port}/couchdb/_up`).then(
			(r) => r.ok,
			() => false
		);
		if (up) break;
		if (Date.now() > deadline) throw new Error(`the server did not start:\n${err}`);
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		stop: async () => {
			if (proc.exitCode === null) proc.kill('SIGTERM');
			await exited;
		}
	};
}

/** 500 next steps (with a progress update on most) written as the trust administrator. */
async function seedSteps(base: string): Promise<{ docs: number; steps: number }> {
	const docs: object[] = [];
	const owners = ['Headteacher', 'Deputy headteacher', 'English lead', 'Maths lead', 'SENCo'];
	for (let i = 0; i < STEPS; i++) {
		const dueTerm = 1 + (i % 6);
		const step = NextStep.parse({
			_id: nextStepDocId(YEAR, crypto.randomUUID()),
			schemaVersion: SCHEMA_VERSION,
			type: 'next-step',
			schoolId: SCHOOL,
			year: YEAR,
			areaId: 'curriculum-teaching',
			action: `Next step ${i + 1}: embed the agreed approach to reading fluency in year ${1 + (i % 6)} and check it in books each half-term.`,
			owner: owners[i % owners.length],
			dueTerm,
			successCriteria: 'Seen in books and in lessons; agreed with the SIL at the next visit.',
			createdBy: 'sil',
			createdAt: '2026-09-17T16:00:00.000Z'
		});
		docs.push(step);
		if (i % 3 !== 0) {
			const at = `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T15:00:00.000Z`;
			const done = i % 7 === 0;
			docs.push(
				ProgressUpdate.parse({
					_id: progressDocId(step._id, at, crypto.randomUUID().slice(0, 8)),
					schemaVersion: SCHEMA_VERSION,
					type: 'progress-update',
					schoolId: SCHOOL,
					nextStepId: step._id,
					status: done ? 'done' : 'in-progress',
					note: 'Discussed at the staff meeting; phase leaders are trialling it.',
					...(done ? { evidence: 'Book look notes, autumn term.' } : {}),
					by: HEAD,
					at
				})
			);
		}
	}
	const auth = `Basic ${Buffer.from(`bench-admin:${PASSWORD}`).toString('base64')}`;
	const res = await fetch(`${base}/couchdb/school-${SCHOOL}/_bulk_docs`, {
		method: 'POST',
		headers: { authorization: auth, 'content-type': 'application/json' },
		body: JSON.stringify({ docs })
	});
	const results = (await res.json()) as { ok?: boolean; error?: string; reason?: string }[];
	const refused = results.filter((r) => !r.ok);
	if (!res.ok || refused.length) {
		throw new Error(`the server refused the seed: ${res.status} ${JSON.stringify(refused[0])}`);
	}
	const all = (await (
		await fetch(`${base}/couchdb/school-${SCHOOL}/_all_docs`, { headers: { authorization: auth } })
	).json()) as { total_rows: number; rows: { id: string }[] };
	return {
		docs: all.total_rows,
		steps: all.rows.filter((r) => r.id.startsWith('next-step:')).length
	};
}

/** Recorded in the page from its first moment: when the list is complete, and long tasks. */
const PROBE = `(() => {
	const t = (window.__coldStart = { visible: 0, opened: 0, first: 0, longTasks: [] });
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) t.longTasks.push([e.startTime, e.startTime + e.duration]);
	}).observe({ type: 'longtask', buffered: true });
	const check = () => {
		if (t.visible) return;
		const n = document.querySelectorAll('[data-testid=next-step]').length;
		if (!t.opened && document.querySelector('main h1')) t.opened = performance.now();
		if (!t.first && n > 0) t.first = performance.now();
		if (n >= Number(localStorage.getItem('bench:expected') || 1)) {
			requestAnimationFrame(() => setTimeout(() => { if (!t.visible) { t.visible = performance.now(); performance.mark('bench:list-visible'); } }, 0));
		} else requestAnimationFrame(check);
	};
	requestAnimationFrame(check);
})();`;

/** The page's navigation and resource timings, one line each (ms from navigation). */
async function resources(page: Page): Promise<string> {
	const rows = await page.evaluate(() =>
		[
			...performance.getEntriesByType('navigation'),
			...performance.getEntriesByType('resource')
		].map((e) => {
			const r = e as PerformanceResourceTiming & { workerFinalSourceType?: string };
			const at = (n: number) => (n ? Math.round(n) : '-');
			return [
				r.name.replace(location.origin, ''),
				at(r.startTime),
				at(r.workerStart),
				at(r.responseStart),
				at(r.responseEnd),
				r.workerFinalSourceType || (r.workerStart ? 'fetch-event' : 'network')
			];
		})
	);
	return [
		'Files of the last run (ms: asked, worker, first byte, last byte; answered by):',
		...rows.map(([name, ...rest]) => `  ${name} ${rest.join(' ')}`)
	].join('\n');
}

export async function run(): Promise<void> {
	if (!fs.existsSync(path.join(ROOT, 'build/index.html'))) {
		throw new Error('No built app: run `npm run build` first.');
	}
	fs.mkdirSync(TMP, { recursive: true });
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const server = await startServer(port);
	const profile = path.join(TMP, 'profile');
	fs.rmSync(profile, { recursive: true, force: true });
	const open = () =>
		chromium.launchPersistentContext(profile, {
			...CHROMIUM,
			baseURL: base,
			viewport: { width: 360, height: 740 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
			locale: 'en-GB',
			timezoneId: 'Europe/London'
		});
	try {
		const { docs, steps } = await seedSteps(base);
		console.log(
			`School ${SCHOOL}: ${docs} documents on the server, ${steps} next steps (${STEPS} added)`
		);

		// Once: the head signs in; the app, its service worker and the school's records arrive.
		let context = await open();
		let page = context.pages()[0] ?? (await context.newPage());
		await page.goto('/sign-in');
		await page.getByLabel('User name').fill(HEAD);
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page
			.getByTestId('sync-status')
			.getByText('All changes sent')
			.waitFor({ timeout: 120_000 });
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		// Every next step is on the device when the groups' counts add up to the school's total;
		// the list shows the first of each group and offers the rest on request.
		await page.waitForFunction(
			(n) =>
				[...document.querySelectorAll('section h2 .count')]
					.map((e) => Number(/\d+/.exec(e.textContent ?? '')?.[0] ?? 0))
					.reduce((a, b) => a + b, 0) === n,
			steps,
			{ timeout: 120_000, polling: 500 }
		);
		const expected = await page.getByTestId('next-step').count();
		await page.evaluate((n) => localStorage.setItem('bench:expected', String(n)), expected);
		await context.close();
		console.log(`The head's home lists ${expected} next steps`);

		const visible: number[] = [];
		const usable: number[] = [];
		const search: number[] = [];
		const opened: number[] = [];
		const first: number[] = [];
		const blocked: number[] = [];
		const blockedAfter: number[] = [];
		/** The app's own marks (`performance.mark('si:…')` in the workspace), by name. */
		const stages: Record<string, number[]> = {};
		for (let i = 0; i < RUNS; i++) {
			context = await open();
			await context.addInitScript(PROBE);
			page = context.pages()[0] ?? (await context.newPage());
			const cdp = await context.newCDPSession(page);
			await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
			// BENCH_PROFILE=file.cpuprofile: where the last run's main thread goes, until the list
			// is usable and a search was typed (open it in Chromium's DevTools, Performance panel).
			const profiling = i === RUNS - 1 && !!process.env.BENCH_PROFILE;
			// BENCH_TRACE=file.json: a performance trace of the last run (script compile and
			// evaluation, IndexedDB, style and layout), for Chromium's DevTools or `bench/trace-summary.ts`.
			const tracing = i === RUNS - 1 && !!process.env.BENCH_TRACE;
			const traceEvents: unknown[] = [];
			if (tracing) {
				cdp.on('Tracing.dataCollected', (e) => traceEvents.push(...(e.value as unknown[])));
				await cdp.send('Tracing.start', {
					categories:
						'devtools.timeline,disabled-by-default-devtools.timeline,v8,v8.execute,blink,blink.user_timing,loading,IndexedDB,toplevel',
					transferMode: 'ReportEvents'
				});
			}
			if (profiling) {
				await cdp.send('Profiler.enable');
				await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
				await cdp.send('Profiler.start');
			}
			// Until the numbers are read, the page is only asked through the DevTools protocol.
			// Playwright's own helpers (waitForFunction, locators) first set up their script in the
			// page, about 0.15 s of the throttled main thread while the app starts, and their long
			// tasks were counted against the app's "visible" and "usable".
			const inPage = async <T>(expression: string): Promise<T> => {
				const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
					expression,
					returnByValue: true
				});
				if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.text}`);
				return result.value as T;
			};
			const until = async (expression: string, timeout: number) => {
				const end = Date.now() + timeout;
				while (!(await inPage<boolean>(expression).catch(() => false))) {
					if (Date.now() > end) throw new Error(`Timed out waiting for ${expression}`);
					await new Promise((r) => setTimeout(r, 100));
				}
			};
			await page.goto('/', { waitUntil: 'commit' });
			await until('window.__coldStart.visible > 0', 60_000);
			// Typed at once: how long until the list answers. The box is focused by a plain script
			// and the words go in as one input event, as a keyboard's text does; the page notes the
			// frame in which the list has answered.
			await inPage(`(() => {
				const s = (window.__search = { t0: performance.now(), t1: 0 });
				document.querySelector('#ns-search').focus();
				const check = () => {
					if (document.querySelectorAll('[data-testid=next-step]').length === 1) s.t1 = performance.now();
					else requestAnimationFrame(check);
				};
				requestAnimationFrame(check);
			})()`);
			await page.keyboard.insertText('step 250:');
			await until('window.__search.t1 > 0', 30_000);
			const { t0, t1 } = await inPage<{ t0: number; t1: number }>('window.__search');
			// Quiet for a second after the list appeared: the end of the last long task before that.
			await page.waitForTimeout(3000);
			if (profiling) {
				const { profile } = await cdp.send('Profiler.stop');
				fs.writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
				console.log(`CPU profile of the last run written to ${process.env.BENCH_PROFILE}`);
			}
			if (tracing) {
				const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
				await cdp.send('Tracing.end');
				await complete;
				fs.writeFileSync(process.env.BENCH_TRACE!, JSON.stringify({ traceEvents }));
				console.log(`Trace of the last run written to ${process.env.BENCH_TRACE}`);
			}
			const probe = await page.evaluate(
				() =>
					(
						window as unknown as {
							__coldStart: {
								visible: number;
								opened: number;
								first: number;
								longTasks: number[][];
							};
						}
					).__coldStart
			);
			let ready = probe.visible;
			for (const [start, end] of probe.longTasks.sort((a, b) => a[0]! - b[0]!)) {
				if (start! > ready + 1000) break;
				if (end! > ready) ready = end!;
			}
			const marks = await page.evaluate(() =>
				performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as [string, number])
			);
			for (const [name, at] of marks) {
				if (name.startsWith('si:')) (stages[name] ??= []).push(at);
			}
			const timing = await page.evaluate(() => {
				const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
				return { start: n.startTime, arrived: n.responseEnd, parsed: n.domContentLoadedEventEnd };
			});
			// BENCH_RESOURCES=1: each file of the last run, when it was asked for and when it came,
			// and whether the service worker's static route answered it from the cache.
			if (process.env.BENCH_RESOURCES && i === RUNS - 1) console.log(await resources(page));
			const nav = timing.start;
			// Before any of the app's code: the page from the service worker, and its scripts run.
			(stages['page: HTML arrived'] ??= []).push(timing.arrived);
			(stages['page: parsed and its scripts run (DOMContentLoaded)'] ??= []).push(timing.parsed);
			visible.push(probe.visible - nav);
			opened.push(probe.opened - nav);
			first.push(probe.first - nav);
			const busy = probe.longTasks.filter(([a]) => a! < probe.visible);
			blocked.push(busy.reduce((sum, [a, b]) => sum + (b! - a!), 0));
			// What "usable" waited for: the long tasks from the list's appearance to the quiet moment.
			const later = probe.longTasks.filter(([a, b]) => b! > probe.visible && a! < ready);
			blockedAfter.push(later.reduce((sum, [a, b]) => sum + (b! - Math.max(a!, probe.visible)), 0));
			usable.push(ready - nav);
			search.push(t1 - t0);
			await context.close();
		}
		const median = (xs: number[]) => percentile(xs, 50);
		const range = (xs: number[]) => ` (range ${ms(Math.min(...xs))}-${ms(Math.max(...xs))})`;
		console.log(
			`Cold start, 4x CPU throttling, 360 x 740, ${RUNS} runs (browser restarted each run, app and records on the device):`
		);
		console.log(`  records open (page heading shown): ${opened.map(ms).join(', ')}`);
		console.log(`  first next step shown: ${first.map(ms).join(', ')}`);
		console.log(
			`  list visible (the ${expected} items the home shows of ${steps}): ${visible.map(ms).join(', ')}`
		);
		console.log(`  long tasks before the list was visible, in all: ${blocked.map(ms).join(', ')}`);
		console.log(`  list usable (main thread quiet): ${usable.map(ms).join(', ')}`);
		console.log(
			`  long tasks from the list visible to usable, in all: ${blockedAfter.map(ms).join(', ')}`
		);
		for (const [name, at] of Object.entries(stages).sort((a, b) => median(a[1]) - median(b[1]))) {
			const what = name.startsWith('page:') ? name.slice(6) : `app mark ${name}`;
			console.log(`  ${what}: ${at.map(ms).join(', ')}`);
		}
		console.log(`  search typed at once answered in: ${search.map(ms).join(', ')}`);
		console.log(
			`  ${against('median time to list visible', median(visible), 1500)}${range(visible)}`
		);
		console.log(`  ${against('median time to list usable', median(usable), 1500)}${range(usable)}`);
		console.log(`  median search answer ${ms(median(search))}${range(search)}`);
	} finally {
		await server.stop();
	}
}

if (import.meta.main) await run();
