/**
 * `npm run bench`: runs each benchmark in this list in turn. Add yours to the list; each module
 * exports `run(): Promise<void>` and prints its own figures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { CHROMIUM } from './browser.ts';

const BENCHMARKS: string[] = [
	'./first-load.ts',
	'./sync-server.ts',
	'./read-model.ts',
	'./head-cold-start.ts',
	'./dashboard.ts',
	'./hostile-load.ts'
];

// What the figures depend on: the browser's version moved the head's cold start by a second.
const chromium = (() => {
	try {
		return execFileSync(CHROMIUM.executablePath!, ['--version'], {
			stdio: ['ignore', 'pipe', 'ignore']
		})
			.toString()
			.trim();
	} catch {
		return `not found at ${CHROMIUM.executablePath}`;
	}
})();
console.log(
	`${new Date().toISOString()}: Node ${process.versions.node}, ${os.cpus().length} cores, load average ` +
		`${os
			.loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}; ${chromium}, desktop omnibox page ` +
		(process.env.BENCH_OMNIBOX ? 'on (BENCH_OMNIBOX)' : 'off (bench/browser.ts)')
);

/** The machine's CPU time so far, busy and in all, from `/proc/stat` (Linux), else null. */
function cpuTimes(): { busy: number; total: number } | null {
	try {
		const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
		const f = line.trim().split(/\s+/).slice(1).map(Number);
		// user nice system idle iowait irq softirq steal: idle and iowait are not busy.
		const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
		return { busy: total - f[3]! - f[4]!, total };
	} catch {
		return null;
	}
}

/**
 * Waits until the machine is quiet before a benchmark: a benchmark's peers can work on after it
 * (Apache CouchDB deleting and compacting its databases), and that work landed in the next
 * benchmark's figures (run N's dashboard, notes of 27 Nov). Quiet is three seconds in a row with
 * the cores less than a tenth busy; it waits at most a minute, and says how long and how busy.
 */
async function settle(): Promise<string> {
	const QUIET = 0.1;
	const t0 = Date.now();
	let last = cpuTimes();
	if (!last) return 'machine not checked (no /proc/stat)';
	let quiet = 0;
	let share = 1;
	while (quiet < 3 && Date.now() - t0 < 60_000) {
		await new Promise((r) => setTimeout(r, 1000));
		const now = cpuTimes()!;
		share = (now.busy - last.busy) / Math.max(1, now.total - last.total);
		last = now;
		quiet = share < QUIET ? quiet + 1 : 0;
	}
	const waited = ((Date.now() - t0) / 1000).toFixed(0);
	return quiet >= 3
		? `machine quiet after ${waited} s (cores ${(share * 100).toFixed(0)}% busy)`
		: `machine still busy after ${waited} s (cores ${(share * 100).toFixed(0)}% busy): figures below may be slower`;
}

for (const file of BENCHMARKS) {
	const mod = (await import(file)) as { run: () => Promise<void> };
	console.log(`\n=== ${file} ===`);
	console.log(
		`${await settle()}; load average ${os
			.loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}`
	);
	await mod.run();
}
export {};
