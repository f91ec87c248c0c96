/**
 * `npm run bench`: runs each benchmark in this list in turn. Add yours to the list; each module
 * exports `run(): Promise<void>` and prints its own figures.
 */
import { execFileSync } from 'node:child_process';
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

for (const file of BENCHMARKS) {
	const mod = (await import(file)) as { run: () => Promise<void> };
	console.log(`\n=== ${file} ===`);
	await mod.run();
}
export {};
