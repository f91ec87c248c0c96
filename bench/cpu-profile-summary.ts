/**
 * Whose code a Node process's main thread ran, from a V8 CPU profile (`--cpu-prof`, or
 * `BENCH_SERVER_PROFILE` on `bench/sync-server.ts`): sampled time by owner (PouchDB and LevelDB,
 * the domain rules, each part of the sync server, Node's own HTTP and streams, garbage collection)
 * and the functions that took most of it. Time spent starting up (loading modules, seeding the
 * demo) is counted apart, so that a profile of a push shows what the push costs.
 * `node bench/cpu-profile-summary.ts FILE [OWNER]`: with OWNER (a name as printed), that owner's
 * functions only.
 */
import fs from 'node:fs';

type ProfileNode = {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** Owners by the file a frame is in, first match wins. */
const OWNERS: [string, RegExp][] = [
	['start-up', /node:internal\/(modules|main|bootstrap)|\/seed[^/]*\.ts$|amaro/],
	['domain rules and zod', /\/zod\/|\/src\/lib\/domain\//],
	[
		'PouchDB and LevelDB',
		/\/(pouchdb-node|leveldown|level-codec|abstract-leveldown|levelup|deferred-leveldown)\//
	],
	['server: storage wrappers', /sync-server\/src\/(storage|contain)\.ts$/],
	['server: direct LevelDB reads', /sync-server\/src\/level-read\.ts$/],
	['server: sign-in', /sync-server\/src\/(auth|users|revocations)\.ts$/],
	['server: body and answer', /sync-server\/src\/http\.ts$/],
	['server: writes and names', /sync-server\/src\/(writes|names|trust-cache)\.ts$/],
	['server: requests and routes', /sync-server\/src\//],
	['Node (HTTP, sockets, streams)', /^node:/]
];
const SPECIAL: Record<string, string> = {
	'(idle)': 'idle',
	'(garbage collector)': 'garbage collection',
	'(program)': 'V8 (program)'
};

export function summarise(file: string, only?: string): string {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

	/** A sample's owner is its nearest frame in a known file: native code counts for its caller. */
	const ownerOf = new Map<number, { owner: string; frame: string }>();
	const owner = (id: number) => {
		let known = ownerOf.get(id);
		if (known) return known;
		known = { owner: 'other', frame: '' };
		for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
			const { functionName, url, lineNumber } = byId.get(x)!.callFrame;
			if (Object.hasOwn(SPECIAL, functionName)) {
				known = { owner: SPECIAL[functionName]!, frame: '' };
				break;
			}
			const match = OWNERS.find(([, re]) => re.test(url));
			if (match) {
				const leaf = byId.get(id)!.callFrame.functionName || '(anonymous)';
				const name = functionName || '(anonymous)';
				const where = `${url.replace(/^.*\/(node_modules|src)\//, '')}:${lineNumber + 1}`;
				known = { owner: match[0], frame: `${leaf === name ? '' : `${leaf} in `}${name} ${where}` };
				break;
			}
		}
		ownerOf.set(id, known);
		return known;
	};

	const byOwner = new Map<string, number>();
	const byFrame = new Map<string, number>();
	const apart = ['idle', 'start-up'];
	profile.samples.forEach((id, i) => {
		const us = profile.timeDeltas[i + 1] ?? 0;
		const { owner: o, frame } = owner(id);
		byOwner.set(o, (byOwner.get(o) ?? 0) + us);
		if (frame && (only ? o === only : !apart.includes(o)))
			byFrame.set(frame, (byFrame.get(frame) ?? 0) + us);
	});
	const busy = [...byOwner].filter(([o]) => !apart.includes(o)).reduce((t, [, us]) => t + us, 0);
	const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
	const lines = [`Main thread busy (start-up and idle apart): ${ms(busy).trim()}`];
	for (const [o, us] of [...byOwner].sort((a, b) => b[1] - a[1])) {
		const share = apart.includes(o) ? '' : ` ${((100 * us) / busy).toFixed(1).padStart(5)}%`;
		if (!only || o === only) lines.push(`${ms(us)}${share}  ${o}`);
	}
	lines.push('', `Functions${only ? ` of ${only}` : ''}, by the time spent in them:`);
	for (const [frame, us] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 30))
		lines.push(`${ms(us)}  ${frame}`);
	return lines.join('\n');
}

if (import.meta.main) {
	const [file, only] = process.argv.slice(2);
	if (!file) {
		console.error('usage: node bench/cpu-profile-summary.ts FILE.cpuprofile [OWNER]');
		process.exit(1);
	}
	console.log(summarise(file, only));
}
