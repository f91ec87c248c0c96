/**
 * `npm run bench`: runs each benchmark in this list in turn. Add yours to the list; each module
 * exports `run(): Promise<void>` and prints its own figures.
 */
const BENCHMARKS: string[] = [
	'./first-load.ts',
	'./sync-server.ts',
	'./read-model.ts',
	'./head-cold-start.ts',
	'./dashboard.ts',
	'./hostile-load.ts'
];

for (const file of BENCHMARKS) {
	const mod = (await import(file)) as { run: () => Promise<void> };
	console.log(`\n=== ${file} ===`);
	await mod.run();
}
export {};
