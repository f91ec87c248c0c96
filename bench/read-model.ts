/**
 * Read-model benchmark (issue 4), in headless Chromium: 10,000 documents in local PouchDB
 * databases (visits, next steps and progress updates across six schools, and the trust's), then
 * the time to build the Dexie read model from scratch, the next-steps list query with filters,
 * edit to IndexedDB, and the page's memory. Not a timed test: `npm run bench`.
 *
 * The page is bundled by Vite from the app's own src/lib/db and src/lib/domain modules
 * (bench/read-model-page), into bench/.tmp, and served by a tiny static server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { against, launchProfile, mb, ms, pageMemory, percentile, serveFolder } from './browser.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/.tmp/read-model-page');
const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const EDITS = Number(process.env.BENCH_EDITS ?? 200);
const BUILDS = Number(process.env.BENCH_RUNS ?? 5);

/**
 * CPU time (user and system) used so far by this process's descendants (Chromium's browser,
 * renderer and storage processes), in ms: the work a build does, whatever else the machine runs.
 */
function childrenCpuMs(): number {
	const stats = fs
		.readdirSync('/proc')
		.filter((d) => /^[0-9]+$/.test(d))
		.flatMap((pid) => {
			try {
				// The command name may hold spaces: the fields after its closing bracket.
				const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
				const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
				return [{ pid: Number(pid), ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) }];
			} catch {
				return [];
			}
		});
	const mine = new Set([process.pid]);
	for (let grew = true; grew;) {
		grew = false;
		for (const s of stats) {
			if (!mine.has(s.pid) && mine.has(s.ppid)) {
				mine.add(s.pid);
				grew = true;
			}
		}
	}
	mine.delete(process.pid);
	// Clock ticks are 1/100 s on Linux.
	return stats.filter((s) => mine.has(s.pid)).reduce((n, s) => n + s.cpu * 10, 0);
}

type Summary = { n: number; p50: number; p95: number; max: number };
interface Bench {
	seedData(total: number): Promise<{ docs: number; ms: number }>;
	split(): Promise<Record<string, number>>;
	buildReadModel(): Promise<{
		ms: number;
		rows: Record<string, number>;
		requests: Record<string, number>;
	}>;
	queryTimes(n: number): Promise<{ query: Summary; list: Summary; meanRows: number }>;
	editTimes(n: number): Promise<{ toDisk: Summary; toReadModel: Summary }>;
	storage(): Promise<{ usage: number; quota: number }>;
}
declare const bench: Bench;

export async function run(): Promise<void> {
	await build({
		root: path.join(ROOT, 'bench/read-model-page'),
		configFile: false,
		logLevel: 'warn',
		resolve: { alias: { $lib: path.join(ROOT, 'src/lib') } },
		// Readable names in a profile (BENCH_PROFILE below).
		build: { outDir: OUT, emptyOutDir: true, target: 'es2022', minify: !process.env.BENCH_PROFILE }
	});
	const server = await serveFolder(OUT);
	const { page, close } = await launchProfile();
	try {
		page.on('pageerror', (err) => console.error('page error:', err.message));
		await page.goto(server.url);
		await page.waitForSelector('body[data-ready=true]');
		const before = await pageMemory(page);

		const seeded = await page.evaluate((n) => bench.seedData(n), DOCS);
		console.log(`Seeded ${seeded.docs} documents into 7 PouchDB databases in ${ms(seeded.ms)}`);

		if (process.env.BENCH_SPLIT) {
			// Where a build's time goes, each part alone (run twice: the first warms the caches).
			for (let i = 0; i < 2; i++) {
				const parts = await page.evaluate(() => bench.split());
				for (const [part, t] of Object.entries(parts)) console.log(`  ${part}: ${ms(t)}`);
			}
		}
		const builds = [];
		const cpu: number[] = [];
		for (let i = 0; i < BUILDS; i++) {
			const before = childrenCpuMs();
			builds.push(await page.evaluate(() => bench.buildReadModel()));
			cpu.push(childrenCpuMs() - before);
		}
		// BENCH_PROFILE=file.cpuprofile: one more build, profiled (Chromium DevTools, Performance).
		if (process.env.BENCH_PROFILE) {
			const cdp = await page.context().newCDPSession(page);
			await cdp.send('Profiler.enable');
			await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
			await cdp.send('Profiler.start');
			await page.evaluate(() => bench.buildReadModel());
			const { profile } = await cdp.send('Profiler.stop');
			fs.writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
			console.log(`CPU profile of one more build written to ${process.env.BENCH_PROFILE}`);
		}
		const rows = builds[0]!.rows;
		console.log(
			`Read model rows: ${Object.entries(rows)
				.filter(([, n]) => n > 0)
				.map(([t, n]) => `${t} ${n}`)
				.join(', ')}`
		);
		const counted = Object.entries(builds[0]!.requests).sort(([a], [b]) => a.localeCompare(b));
		console.log(
			`IndexedDB requests in one build: ${counted.reduce((n, [, c]) => n + c, 0)} (${counted.map(([k, c]) => `${k} ${c}`).join(', ')})`
		);
		const times = builds.map((b) => b.ms);
		console.log(`Build the read model from scratch, ${BUILDS} runs: ${times.map(ms).join(', ')}`);
		console.log(
			`  ${against('median build', percentile(times, 50), 3000)} (range ${ms(Math.min(...times))}-${ms(Math.max(...times))})`
		);

		console.log(
			`  Chromium's CPU time per build (all its processes): ${cpu.map(ms).join(', ')}; median ${ms(percentile(cpu, 50))}`
		);

		const q = await page.evaluate((n) => bench.queryTimes(n), QUERIES);
		console.log(
			`Next-steps query with filters (${q.query.n} runs, ${q.meanRows.toFixed(0)} rows on average): p50 ${ms(q.query.p50)}, p95 ${ms(q.query.p95)}, max ${ms(q.query.max)}`
		);
		console.log(`  ${against('query p95', q.query.p95, 16)}`);
		console.log(
			`  The list as the head's home shows it (query + grouping + order): p50 ${ms(q.list.p50)}, p95 ${ms(q.list.p95)}`
		);
		console.log(`  ${against('list p95', q.list.p95, 16)}`);

		const e = await page.evaluate((n) => bench.editTimes(n), EDITS);
		console.log(
			`Edit (progress update through the repository) to IndexedDB, ${e.toDisk.n} edits: p50 ${ms(e.toDisk.p50)}, p95 ${ms(e.toDisk.p95)}, max ${ms(e.toDisk.max)}`
		);
		console.log(`  ${against('edit-to-disk p95', e.toDisk.p95, 50)}`);
		console.log(
			`  Edit until it is in the read model the screens read: p50 ${ms(e.toReadModel.p50)}, p95 ${ms(e.toReadModel.p95)}`
		);

		const after = await pageMemory(page);
		const store = await page.evaluate(() => bench.storage());
		console.log(
			`Page memory (CDP, after GC): JS heap used ${mb(after.jsHeapUsed)} of ${mb(after.jsHeapTotal)} (empty page ${mb(before.jsHeapUsed)}), ${after.nodes} DOM nodes`
		);
		console.log(`IndexedDB usage (PouchDB + read model): ${mb(store.usage)}`);
	} finally {
		await close();
		await server.stop();
	}
}

if (import.meta.main) await run();
