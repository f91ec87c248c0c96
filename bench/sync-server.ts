/**
 * Sync server benchmark (issue 3): push 10,000 documents of about 1 KB from a PouchDB client,
 * pull them into a fresh client, then 100 live clients writing at once. The same workload runs
 * against our server and against express-pouchdb (pouchdb-server) as the peer, and the figures
 * are printed side by side. Not a timed test: `npm run bench`.
 *
 * Our server runs as shipped (accounts with Basic auth, validation of every document by the
 * shared rules, fsync before acknowledging); the peer has none of these.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import PouchDB from 'pouchdb-node';

const ROOT = path.resolve(import.meta.dirname, '..');
const TMP = path.join(ROOT, 'bench/.tmp');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PASSWORD = 'bench-password-1';

const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const WRITES_PER_CLIENT = Number(process.env.BENCH_WRITES ?? 5);

type Doc = { _id: string; [k: string]: unknown };

interface Target {
	name: string;
	dbUrl: string;
	auth?: { username: string; password: string };
	stop(): Promise<void>;
}

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

async function waitUp(url: string, proc: ChildProcess, out: () => string): Promise<void> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`process exited:\n${out()}`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			/* starting */
		}
		if (Date.now() > deadline) throw new Error(`did not start:\n${out()}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

function launch(
	args: string[],
	env: Record<string, string>
): { proc: ChildProcess; out: () => string; stop: () => Promise<void> } {
	const proc = spawn(NODE, args, {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let text = '';
	proc.stdout!.on('data', (d: Buffer) => (text = (text + d.toString()).slice(-20_000)));
	proc.stderr!.on('data', (d: Buffer) => (text = (text + d.toString()).slice(-20_000)));
	const exited = new Promise<void>((r) => proc.once('exit', () => r()));
	return {
		proc,
		out: () => text,
		stop: async () => {
			if (proc.exitCode === null) proc.kill('SIGTERM');
			await exited;
		}
	};
}

async function ours(dir: string): Promise<Target> {
	const port = await freePort();
	const p = launch([path.join(ROOT, 'sync-server/src/main.ts'), '--demo'], {
		PORT: String(port),
		DATA_DIR: dir,
		DEMO_PASSWORD: PASSWORD,
		LOG_LEVEL: 'error',
		STATIC_DIR: path.join(dir, 'none')
	});
	await waitUp(`http://127.0.0.1:${port}/couchdb/_up`, p.proc, p.out);
	return {
		name: 'ours',
		dbUrl: `http://127.0.0.1:${port}/couchdb/school-oakfield`,
		auth: { username: 'sil', password: PASSWORD },
		stop: p.stop
	};
}

async function peer(dir: string): Promise<Target> {
	const port = await freePort();
	const p = launch([path.join(ROOT, 'bench/peer-pouchdb-server.ts'), String(port), dir], {});
	await waitUp(`http://127.0.0.1:${port}/`, p.proc, p.out);
	const r = await fetch(`http://127.0.0.1:${port}/school-oakfield`, { method: 'PUT' });
	if (!r.ok && r.status !== 412) throw new Error(`peer: cannot create the database (${r.status})`);
	return {
		name: 'pouchdb-server',
		dbUrl: `http://127.0.0.1:${port}/school-oakfield`,
		stop: p.stop
	};
}

const remote = (t: Target) =>
	new PouchDB<Doc>(t.dbUrl, { skip_setup: true, ...(t.auth ? { auth: t.auth } : {}) });
let localCount = 0;
const local = (dir: string) => new PouchDB<Doc>(path.join(dir, `client-${localCount++}`));

/** A valid next step of about 1 KB (the server validates every one). */
function doc(i: number, by = 'sil'): Doc {
	return {
		_id: `next-step:2026-27:${crypto.randomUUID()}`,
		schemaVersion: 1,
		type: 'next-step',
		schoolId: 'oakfield',
		year: '2026-27',
		action:
			`Step ${i}: ` +
			'Plan and teach a sequence of lessons that builds fluency in number facts. '.repeat(8),
		owner: 'Headteacher',
		dueTerm: 3,
		successCriteria:
			'Pupils recall facts quickly in books and in the multiplication tables check. '.repeat(3),
		createdBy: by,
		createdAt: new Date().toISOString()
	};
}

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Figures {
	pushDocsPerSec: number;
	pullDocsPerSec: number;
	liveWritesPerSec: number;
	p50: number;
	p99: number;
}

async function workload(t: Target, dir: string): Promise<Figures> {
	const source = local(dir);
	const batch = 500;
	for (let i = 0; i < DOCS; i += batch) {
		await source.bulkDocs(Array.from({ length: Math.min(batch, DOCS - i) }, (_, k) => doc(i + k)));
	}
	let t0 = performance.now();
	const pushed = await source.replicate.to(remote(t), { batch_size: 100 });
	const pushSec = (performance.now() - t0) / 1000;
	if (pushed.docs_written !== DOCS)
		throw new Error(`${t.name}: pushed ${pushed.docs_written} of ${DOCS}`);

	const fresh = local(dir);
	t0 = performance.now();
	const pulled = await fresh.replicate.from(remote(t), { batch_size: 100 });
	const pullSec = (performance.now() - t0) / 1000;
	if (pulled.docs_written < DOCS) throw new Error(`${t.name}: pulled ${pulled.docs_written}`);
	await Promise.all([source.close(), fresh.close()]);

	// Live: every client syncs both ways; each write is timed until each other client has it.
	const clients = Array.from({ length: CLIENTS }, () => local(dir));
	const written = new Map<string, { at: number; by: number }>();
	const latencies: number[] = [];
	const expected = CLIENTS * WRITES_PER_CLIENT * (CLIENTS - 1);
	let received = 0;
	let allReceived: () => void = () => undefined;
	const done = new Promise<void>((r) => (allReceived = r));
	const syncs = clients.map((c, n) => {
		const s = c.sync(remote(t), {
			live: true,
			retry: true,
			since: 'now'
		} as PouchDB.Replication.SyncOptions);
		void s.on('error', () => undefined);
		void s.on('change', (info) => {
			if (info.direction !== 'pull') return;
			const now = performance.now();
			for (const d of info.change.docs) {
				const w = written.get(d._id);
				if (!w || w.by === n) continue;
				latencies.push(now - w.at);
				if (++received === expected) allReceived();
			}
		});
		return s;
	});
	await new Promise((r) => setTimeout(r, 2000)); // let every feed open
	t0 = performance.now();
	await Promise.all(
		clients.map(async (c, n) => {
			for (let w = 0; w < WRITES_PER_CLIENT; w++) {
				const d = doc(w);
				written.set(d._id, { at: performance.now(), by: n });
				await c.put(d);
				await new Promise((r) => setTimeout(r, Math.random() * 200));
			}
		})
	);
	const timeout = new Promise<void>((r) => setTimeout(r, 120_000));
	await Promise.race([done, timeout]);
	const liveSec = (performance.now() - t0) / 1000;
	for (const s of syncs) s.cancel();
	// Let cancelled requests settle before the server goes away.
	await new Promise((r) => setTimeout(r, 1000));
	await Promise.all(clients.map((c) => c.close()));
	if (received < expected)
		console.warn(`${t.name}: only ${received} of ${expected} receipts within 120 s`);
	latencies.sort((a, b) => a - b);
	return {
		pushDocsPerSec: DOCS / pushSec,
		pullDocsPerSec: DOCS / pullSec,
		liveWritesPerSec: (CLIENTS * WRITES_PER_CLIENT) / liveSec,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99)
	};
}

export async function run(): Promise<void> {
	fs.rmSync(path.join(TMP, 'sync-server'), { recursive: true, force: true });
	const results: Record<string, Figures> = {};
	for (const [name, start] of [
		['ours', ours],
		['pouchdb-server', peer]
	] as const) {
		const dir = path.join(TMP, 'sync-server', name.replace(/\W/g, '-'));
		fs.mkdirSync(dir, { recursive: true });
		let target: Target;
		try {
			target = await start(path.join(dir, 'server'));
		} catch (err) {
			console.warn(`${name}: could not start (${(err as Error).message}); skipped`);
			continue;
		}
		try {
			console.log(`running the workload against ${name} …`);
			results[name] = await workload(target, dir);
		} finally {
			await target.stop();
		}
	}
	const rows: [string, keyof Figures, boolean][] = [
		[`push ${DOCS} docs (docs/s)`, 'pushDocsPerSec', true],
		[`pull ${DOCS} docs (docs/s)`, 'pullDocsPerSec', true],
		[`live: ${CLIENTS} clients x ${WRITES_PER_CLIENT} writes (writes/s)`, 'liveWritesPerSec', true],
		['live: write to receipt p50 (ms)', 'p50', false],
		['live: write to receipt p99 (ms)', 'p99', false]
	];
	const a = results.ours;
	const b = results['pouchdb-server'];
	console.log('\nSync server benchmark (ratio > 1 means ours is better)');
	console.log(
		`${'figure'.padEnd(44)} ${'ours'.padStart(10)} ${'pouchdb-server'.padStart(15)} ${'ratio'.padStart(7)}`
	);
	for (const [label, key, higherIsBetter] of rows) {
		const x = a?.[key];
		const y = b?.[key];
		const ratio = x && y ? (higherIsBetter ? x / y : y / x) : NaN;
		console.log(
			`${label.padEnd(44)} ${fmt(x).padStart(10)} ${fmt(y).padStart(15)} ${(Number.isNaN(ratio) ? '-' : ratio.toFixed(2) + 'x').padStart(7)}`
		);
	}
}

const fmt = (n: number | undefined) =>
	n === undefined || Number.isNaN(n) ? '-' : n >= 100 ? n.toFixed(0) : n.toFixed(1);

if (import.meta.main) await run();
