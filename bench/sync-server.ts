/**
 * Sync server benchmark (issue 3): push 10,000 documents of about 1 KB from a PouchDB client,
 * pull them into a fresh client, then 100 live clients writing at once. The same workload runs
 * against our server and against express-pouchdb (pouchdb-server) as the peer, and the figures
 * are printed side by side. Not a timed test: `npm run bench`.
 *
 * Both servers run at once. Push and pull run in rounds (BENCH_ROUNDS, 5 by default), each into
 * an empty database, the servers taking turns (and turns about which goes first), after an
 * unrecorded warm-up round, and the median and range of the rounds are printed: on a shared
 * two-core machine one run of each drifts by a tenth or more. The live clients run in as many
 * rounds (BENCH_LIVE_ROUNDS, BENCH_ROUNDS by default), the servers again taking turns to go first,
 * and each live figure is the median of its rounds. A round in which some write never reached every
 * other client within 120 s is named, with what its writer was doing. Other settings: BENCH_DOCS
 * (10,000 per round), BENCH_CLIENTS (100 live clients), BENCH_WRITES (5 writes each).
 *
 * Our server runs as shipped (accounts with Basic auth, validation of every document by the
 * shared rules, fsync before acknowledging); the peer has none of these.
 *
 * The push's docs/s count every wait: for a core while other work runs, and for the disk (our
 * fsync waits behind whatever else the machine writes). So the CPU time each server process used
 * per 10,000 pushed documents (from /proc, Linux only) is printed too, with the client's: the work
 * done per document, which the machine's load hardly moves.
 *
 * Each round also pushes into a second pouchdb-server whose LevelDB flushes every write to disk
 * before it answers, as ours does (`flush` in `peer-pouchdb-server.ts`), and prints ours against
 * it: the same durability on both sides. The aim is against pouchdb-server as it comes.
 *
 * With COUCHDB_URL set (an Apache CouchDB admin URL), that CouchDB is a second peer: the same
 * client and documents, in databases of its own (`bench-<time>-school-<id>`, deleted afterwards),
 * plain ones like the pouchdb-server peer's (no validate_doc_update), signed in as its admin.
 *
 * The clients keep their copies in memory (memdown under PouchDB's LevelDB adapter), so that the
 * figures measure the servers. A client on LevelDB pushes no faster than it reads its own changes
 * feed: a server that stores nothing (`noop-server.ts`) scores no better there than a real one. So
 * that pace is printed apart, one LevelDB client's push against each server and the no-op one.
 *
 * Two more lines say where a push's time goes. The same push into the server that stores nothing,
 * each round: the most this client can push, the ceiling of every ratio above. And each server's
 * requests in the recorded pushes as the client timed them (median ms of a checkpoint read,
 * `_revs_diff`, `_bulk_docs` and a checkpoint write, and the sum of one of each, which is a batch's
 * requests where batches are of 100): the rest of a batch's time is the client's own work, the same
 * against every server. (The no-op server answers so fast that the client's batches are smaller.)
 *
 * BENCH_SERVER_PROFILE=<dir>: our server runs with `--cpu-prof` and writes its CPU profile there
 * when the benchmark stops it (the whole run: warm-up, rounds, the LevelDB push and the live
 * clients). `node bench/cpu-profile-summary.ts FILE` says whose code the main thread ran.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb-node';

const memdown = createRequire(import.meta.url)('memdown') as () => unknown;

const ROOT = path.resolve(import.meta.dirname, '..');
const TMP = path.join(ROOT, 'bench/.tmp');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PASSWORD = 'bench-password-1';

const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const WRITES_PER_CLIENT = Number(process.env.BENCH_WRITES ?? 5);
/**
 * Demo schools the `sil` account may open. Each round pushes into an empty database: every server
 * deletes and creates the school's database before it is used (`prepare`), so the rounds can be as
 * many as BENCH_ROUNDS asks (the aims are medians and ranges of at least five runs).
 */
const SCHOOLS = ['willow-bank', 'oakfield', 'ashcombe', 'hawthorn', 'kingsmead'];
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const LIVE_ROUNDS = Math.max(1, Number(process.env.BENCH_LIVE_ROUNDS ?? ROUNDS));
/** An unrecorded round first, so that the first recorded one does not pay for the JIT warming up. */
const WARM_UP_SCHOOL = 'hawthorn';
const LIVE_SCHOOL = 'st-aidans';
const DISK_SCHOOL = 'kingsmead';

type Doc = { _id: string; [k: string]: unknown };

interface Target {
	name: string;
	/** Database URLs are `${base}/${prefix}school-<id>`. */
	base: string;
	prefix?: string;
	auth?: { username: string; password: string };
	/**
	 * Makes the school's database exist and, with `empty`, hold nothing. The live run keeps the
	 * database as it was (the demo's school on ours), as before the rounds emptied theirs.
	 */
	prepare(school: string, empty?: boolean): Promise<void>;
	stop(): Promise<void>;
	/** The server's process, when the benchmark started it: its CPU time is read from /proc. */
	pid?: number;
	/** What the server process has written lately (ours: warnings and errors). */
	out?: () => string;
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

/** Creates the database at `url`; with `empty`, deletes it first if it exists. */
async function recreate(
	url: string,
	headers: Record<string, string>,
	who: string,
	empty = true
): Promise<void> {
	if (empty) {
		const gone = await fetch(url, { method: 'DELETE', headers });
		if (!gone.ok && gone.status !== 404)
			throw new Error(`${who}: cannot delete ${url} (${gone.status} ${await gone.text()})`);
	}
	const made = await fetch(url, { method: 'PUT', headers });
	if (!made.ok && !(made.status === 412 && !empty))
		throw new Error(`${who}: cannot create ${url} (${made.status})`);
}

async function ours(dir: string): Promise<Target> {
	const port = await freePort();
	const profile = process.env.BENCH_SERVER_PROFILE;
	const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profile)] : [];
	const p = launch([...flags, path.join(ROOT, 'sync-server/src/main.ts'), '--demo'], {
		PORT: String(port),
		DATA_DIR: dir,
		DEMO_PASSWORD: PASSWORD,
		// Warnings too: a request it has not answered after 30 s is named (`SLOW_REQUEST_SECONDS`).
		LOG_LEVEL: 'warn',
		STATIC_DIR: path.join(dir, 'none'),
		// The 100 live clients stand for 100 devices, each on its own address in a trust; here they
		// all come from 127.0.0.1, and at two or three connections each they reached the cap one
		// address may hold (300 by default, against one person's device hogging the server): run Y2
		// had 52 of their requests answered 503 and 4,014 receipts missing. The total cap stays.
		MAX_CONNECTIONS_PER_ADDRESS: '4000'
	});
	await waitUp(`http://127.0.0.1:${port}/couchdb/_up`, p.proc, p.out);
	const base = `http://127.0.0.1:${port}/couchdb`;
	// The demo's administrator empties a school's database; `sil` is its member by role.
	const admin = {
		Authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64')
	};
	return {
		name: 'ours',
		base,
		auth: { username: 'sil', password: PASSWORD },
		prepare: (school, empty = true) =>
			empty ? recreate(`${base}/school-${school}`, admin, 'ours') : Promise.resolve(),
		stop: p.stop,
		pid: p.proc.pid,
		out: p.out
	};
}

async function peer(dir: string, flush = false): Promise<Target> {
	const port = await freePort();
	const p = launch(
		[
			path.join(ROOT, 'bench/peer-pouchdb-server.ts'),
			String(port),
			dir,
			...(flush ? ['flush'] : [])
		],
		{}
	);
	const base = `http://127.0.0.1:${port}`;
	await waitUp(`${base}/`, p.proc, p.out);
	return {
		name: flush ? 'pouchdb-server, flushing' : 'pouchdb-server',
		base,
		prepare: (school, empty = true) => recreate(`${base}/school-${school}`, {}, 'peer', empty),
		stop: p.stop,
		pid: p.proc.pid
	};
}

/** Apache CouchDB from COUCHDB_URL (admin credentials in the URL), or null without it. */
async function couchdb(): Promise<Target | null> {
	const raw = process.env.COUCHDB_URL;
	if (!raw) return null;
	const u = new URL(raw);
	const auth = {
		username: decodeURIComponent(u.username),
		password: decodeURIComponent(u.password)
	};
	u.username = '';
	u.password = '';
	const base = u.toString().replace(/\/+$/, '');
	const headers = {
		Authorization: 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
	};
	const welcome = (await (await fetch(`${base}/`, { headers })).json()) as { version?: string };
	const prefix = `bench-${Date.now().toString(36)}-`;
	const made = new Set<string>();
	return {
		name: `couchdb ${welcome.version ?? ''}`.trim(),
		base,
		prefix,
		auth,
		prepare: async (school, empty = true) => {
			const db = `${prefix}school-${school}`;
			made.add(db);
			await recreate(`${base}/${db}`, headers, 'couchdb', empty);
		},
		stop: async () => {
			for (const db of made) await fetch(`${base}/${db}`, { method: 'DELETE', headers });
		}
	};
}

async function noop(): Promise<Target> {
	const port = await freePort();
	const p = launch([path.join(ROOT, 'bench/noop-server.ts'), String(port)], {});
	const base = `http://127.0.0.1:${port}`;
	await waitUp(`${base}/`, p.proc, p.out);
	return { name: 'no-op', base, prepare: () => Promise.resolve(), stop: p.stop };
}

/** Milliseconds each request took, by kind (`PUT checkpoint`, `POST _bulk_docs`, …). */
type RequestTimes = Map<string, number[]>;
const pouchFetch = (PouchDB as unknown as { fetch: typeof fetch }).fetch;

/** The kind of a replication request, for `RequestTimes`. */
function requestKind(url: string, method = 'GET'): string {
	const path = new URL(url).pathname;
	if (path.includes('/_local/')) return `${method} checkpoint`;
	const last = path.split('/').pop() ?? '';
	return last.startsWith('_') ? `${method} ${last}` : `${method} database`;
}

/** Requests not yet answered in full, with when each was sent and whether its headers came. */
type InFlight = Map<object, { kind: string; at: number; headers?: boolean }>;

/**
 * A client's handle on the school's database on `t`; with `times`, each request is timed; with
 * `inFlight`, each request is there until its answer's body has been read.
 */
const remote = (t: Target, school: string, times?: RequestTimes, inFlight?: InFlight) =>
	new PouchDB<Doc>(`${t.base}/${t.prefix ?? ''}school-${school}`, {
		skip_setup: true,
		...(t.auth ? { auth: t.auth } : {}),
		...(times || inFlight
			? {
					fetch: async (url: string, opts?: RequestInit) => {
						const t0 = performance.now();
						const kind = requestKind(url, opts?.method);
						const key = {};
						const request = { kind, at: t0, headers: false };
						inFlight?.set(key, request);
						let res: Response;
						try {
							res = await pouchFetch(url, opts);
						} catch (err) {
							inFlight?.delete(key);
							throw err;
						}
						if (times) {
							const list = times.get(kind) ?? [];
							times.set(kind, list);
							list.push(performance.now() - t0);
						}
						if (!inFlight) return res;
						request.headers = true;
						// PouchDB reads each answer with `json()`: the request is over once that settles.
						const json = res.json.bind(res);
						res.json = () => json().finally(() => inFlight.delete(key));
						return res;
					}
				}
			: {})
	} as PouchDB.Configuration.RemoteDatabaseConfiguration);
let localCount = 0;
/** A client database: in memory, or on LevelDB in `dir`. */
const local = (dir: string, onDisk = false) =>
	onDisk
		? new PouchDB<Doc>(path.join(dir, `client-${localCount++}`))
		: new PouchDB<Doc>(`client-${localCount++}`, { db: memdown } as object);

/** A valid next step of about 1 KB (the server validates every one). */
function doc(i: number, school: string): Doc {
	return {
		_id: `next-step:2026-27:${crypto.randomUUID()}`,
		schemaVersion: 1,
		type: 'next-step',
		schoolId: school,
		year: '2026-27',
		action:
			`Step ${i}: ` +
			'Plan and teach a sequence of lessons that builds fluency in number facts. '.repeat(8),
		owner: 'Headteacher',
		dueTerm: 3,
		successCriteria:
			'Pupils recall facts quickly in books and in the multiplication tables check. '.repeat(3),
		createdBy: 'sil',
		createdAt: new Date().toISOString()
	};
}

/** Seconds of CPU (user and system, all threads) a process has used, or NaN off Linux. */
function cpuSeconds(pid: number | undefined): number {
	if (pid === undefined) return NaN;
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime, in clock ticks (100 a second on Linux).
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return NaN;
	}
}

/**
 * CPU seconds per 10,000 pushed documents, of each server process and of this process (the
 * client), by target: unlike docs/s, hardly moved by other work on the machine.
 */
const pushCpu = new Map<Target, { server: number[]; client: number[] }>();
/**
 * Every request of the recorded pushes, by server, as the client timed it (sent to answered):
 * where each server's share of a push goes, beside the client's own work between requests.
 */
const pushRequests = new Map<Target, RequestTimes>();

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Pushes `count` new documents from a client database; docs/s. With `record`, the CPU time both
 * sides used goes into `pushCpu`.
 */
async function push(
	t: Target,
	school: string,
	source: PouchDB.Database<Doc>,
	count = DOCS,
	record = false
): Promise<number> {
	const batch = 500;
	for (let i = 0; i < count; i += batch) {
		const docs = Array.from({ length: Math.min(batch, count - i) }, (_, k) => doc(i + k, school));
		await source.bulkDocs(docs);
	}
	const server0 = cpuSeconds(t.pid);
	const client0 = process.cpuUsage();
	const t0 = performance.now();
	let times: RequestTimes | undefined;
	if (record) pushRequests.set(t, (times = pushRequests.get(t) ?? new Map()));
	const pushed = await source.replicate.to(remote(t, school, times), { batch_size: 100 });
	const sec = (performance.now() - t0) / 1000;
	const client = process.cpuUsage(client0);
	const server = cpuSeconds(t.pid) - server0;
	if (pushed.docs_written !== count)
		throw new Error(`${t.name}: pushed ${pushed.docs_written} of ${count}`);
	if (record) {
		const cpu = pushCpu.get(t) ?? { server: [], client: [] };
		cpu.server.push((server * 10_000) / count);
		cpu.client.push((((client.user + client.system) / 1e6) * 10_000) / count);
		pushCpu.set(t, cpu);
	}
	return count / sec;
}

/** Pulls the school's database into a fresh client; docs/s. */
async function pull(t: Target, school: string, dir: string, count = DOCS): Promise<number> {
	const fresh = local(dir);
	const t0 = performance.now();
	const pulled = await fresh.replicate.from(remote(t, school), { batch_size: 100 });
	const sec = (performance.now() - t0) / 1000;
	await fresh.close();
	if (pulled.docs_written < count) throw new Error(`${t.name}: pulled ${pulled.docs_written}`);
	return pulled.docs_written / sec;
}

/** One round: push into the school's (empty) database, then pull it all into a fresh client. */
async function round(
	t: Target,
	school: string,
	dir: string,
	count = DOCS
): Promise<[number, number]> {
	await t.prepare(school);
	const source = local(dir);
	const pushed = await push(t, school, source, count, count === DOCS);
	await source.close();
	return [pushed, await pull(t, school, dir, count)];
}

/** The push from a client on LevelDB, paced by the client itself (see the top of this file). */
async function pushFromDisk(t: Target, dir: string): Promise<number> {
	await t.prepare(DISK_SCHOOL);
	const source = local(dir, true);
	try {
		return await push(t, DISK_SCHOOL, source);
	} finally {
		await source.close();
	}
}

interface Live {
	writesPerSec: number;
	p50: number;
	p99: number;
	/** Receipts that never came within 120 s (each write is owed one by every other client). */
	missing: number;
}

/** Every client syncs both ways; each write is timed until each other client has it. */
async function live(t: Target, dir: string): Promise<Live> {
	await t.prepare(LIVE_SCHOOL, false);
	const clients = Array.from({ length: CLIENTS }, () => local(dir));
	const written = new Map<string, { at: number; by: number }>();
	const latencies: number[] = [];
	const expected = CLIENTS * WRITES_PER_CLIENT * (CLIENTS - 1);
	let received = 0;
	/** How many other clients received each write. */
	const receipts = new Map<string, number>();
	/** What went wrong for the clients, by kind: printed when a receipt never came. */
	const problems = new Map<string, number>();
	const problem = (what: string, err: unknown) => {
		const e = (err ?? {}) as { status?: number; name?: string; message?: string };
		const key = `${what}: ${e.status ?? ''} ${e.name ?? ''} ${(e.message ?? '').slice(0, 80)}`;
		problems.set(key, (problems.get(key) ?? 0) + 1);
	};
	let allReceived: () => void = () => undefined;
	const done = new Promise<void>((r) => (allReceived = r));
	/** Each client's requests still waiting for an answer, and what each direction last did. */
	const inFlight = clients.map((): InFlight => new Map());
	const lastEvents = clients.map(() => new Map<string, { event: string; at: number }>());
	const syncs = clients.map((c, n) => {
		const s = c.sync(remote(t, LIVE_SCHOOL, undefined, inFlight[n]), {
			live: true,
			retry: true,
			since: 'now'
		} as PouchDB.Replication.SyncOptions);
		void s.on('error', (err) => problem('error', err));
		void s.on('denied', (err) => problem('denied', err));
		// A sync says it paused only once both directions have: listen to each direction too.
		type Emitter = { on(event: string, listener: (arg?: unknown) => void): unknown };
		const directions = s as unknown as Record<'push' | 'pull', Emitter>;
		for (const direction of ['push', 'pull'] as const) {
			const r = directions[direction];
			const note = (event: string) =>
				lastEvents[n]!.set(direction, { event, at: performance.now() });
			for (const event of ['active', 'change', 'complete'] as const)
				void r.on(event, () => note(event));
			void r.on('paused', (err: unknown) => {
				note(err ? 'paused on an error' : 'paused');
				if (err) problem(`${direction} paused on an error`, err);
			});
			void r.on('requestError', (err: unknown) => {
				note('request error');
				problem(`${direction} request error`, err);
			});
		}
		void s.on('change', (info) => {
			if (info.direction !== 'pull') return;
			const now = performance.now();
			for (const d of info.change.docs) {
				const w = written.get(d._id);
				if (!w || w.by === n) continue;
				latencies.push(now - w.at);
				receipts.set(d._id, (receipts.get(d._id) ?? 0) + 1);
				if (++received === expected) allReceived();
			}
		});
		return s;
	});
	await new Promise((r) => setTimeout(r, 2000)); // let every feed open
	const t0 = performance.now();
	await Promise.all(
		clients.map(async (c, n) => {
			for (let w = 0; w < WRITES_PER_CLIENT; w++) {
				const d = doc(w, LIVE_SCHOOL);
				written.set(d._id, { at: performance.now(), by: n });
				await c.put(d);
				await new Promise((r) => setTimeout(r, Math.random() * 200));
			}
		})
	);
	const timeout = new Promise<void>((r) => setTimeout(r, 120_000));
	await Promise.race([done, timeout]);
	const sec = (performance.now() - t0) / 1000;
	const stalled: string[] = [];
	if (received < expected) {
		// What each client whose writes were short was doing when the wait ended.
		const now = performance.now();
		const short = new Set(
			[...written].filter(([id]) => (receipts.get(id) ?? 0) < CLIENTS - 1).map(([, w]) => w.by)
		);
		for (const n of short) {
			const events = [...lastEvents[n]!]
				.map(([d, e]) => `${d} ${e.event} ${((now - e.at) / 1000).toFixed(1)} s ago`)
				.join(', ');
			const waiting = [...inFlight[n]!.values()]
				.map(
					(r) =>
						`${r.kind} (${r.headers ? 'body' : 'answer'} awaited ${((now - r.at) / 1000).toFixed(1)} s)`
				)
				.join(', ');
			stalled.push(`  client ${n}: ${events || 'no events'}; waiting on ${waiting || 'nothing'}`);
		}
	}
	for (const s of syncs) s.cancel();
	// Let cancelled requests settle before the server goes away.
	await new Promise((r) => setTimeout(r, 1000));
	await Promise.all(clients.map((c) => c.close()));
	if (received < expected) {
		console.warn(`${t.name}: only ${received} of ${expected} receipts within 120 s`);
		// Which writes were short, by whom, and what the clients met on the way.
		const shortWrites = [...written].flatMap(([id, w]) => {
			const got = receipts.get(id) ?? 0;
			return got < CLIENTS - 1
				? [`  ${id} by client ${w.by}: ${got} of ${CLIENTS - 1} receipts`]
				: [];
		});
		for (const line of atMost(shortWrites, 20)) console.warn(line);
		for (const [what, n] of problems) console.warn(`  ${n} x ${what}`);
		for (const line of atMost(stalled, 20)) console.warn(line);
		// Requests the server itself says it left unanswered (only ours says so).
		const unanswered = (t.out?.() ?? '')
			.split('\n')
			.filter((l) => l.includes('"request not yet answered"'))
			.map((l) => `  the server: ${l}`);
		for (const line of atMost(unanswered, 20)) console.warn(line);
		// A receipt that never came is slower than any that did: its latency counts as unbounded,
		// so a server that delivers half the writes cannot show the latency of the fast half.
		for (let i = received; i < expected; i++) latencies.push(Number.POSITIVE_INFINITY);
	}
	latencies.sort((a, b) => a - b);
	return {
		writesPerSec: (CLIENTS * WRITES_PER_CLIENT) / sec,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		missing: expected - received
	};
}

const median = (xs: number[]) =>
	percentile(
		[...xs].sort((a, b) => a - b),
		50
	);

export async function run(): Promise<void> {
	const tmp = path.join(TMP, 'sync-server');
	fs.rmSync(tmp, { recursive: true, force: true });
	const dir = (name: string) => {
		const d = path.join(tmp, name);
		fs.mkdirSync(d, { recursive: true });
		return d;
	};
	const targets: Target[] = [];
	const [loadAtStart] = os.loadavg();
	try {
		for (const [name, start] of [
			['ours', () => ours(dir('ours-server'))],
			['pouchdb-server', () => peer(dir('peer-server'))],
			['pouchdb-server, flushing', () => peer(dir('peer-flushing'), true)],
			['couchdb', couchdb],
			['no-op', noop]
		] as const) {
			try {
				const t = await start();
				if (t) targets.push(t);
			} catch (err) {
				console.warn(`${name}: could not start (${(err as Error).message}); skipped`);
			}
		}
		const [a, b, c] = [
			targets.find((t) => t.name === 'ours'),
			targets.find((t) => t.name === 'pouchdb-server'),
			targets.find((t) => t.name.startsWith('couchdb'))
		];
		const servers = [a, b, c].filter((t): t is Target => !!t);
		const peers = [b, c].filter((t): t is Target => !!t);
		const clients = dir('clients');
		const pushes = new Map<Target, number[]>(servers.map((t) => [t, []]));
		const pulls = new Map<Target, number[]>(servers.map((t) => [t, []]));
		const nothing = targets.find((t) => t.name === 'no-op');
		const ceiling: number[] = [];
		const flushing = targets.find((t) => t.name === 'pouchdb-server, flushing');
		/** Ours and the flushing peer's push, round by round (docs/s). */
		const alike: [number, number][] = [];
		console.log('warming up …');
		for (const t of servers) await round(t, WARM_UP_SCHOOL, clients, Math.ceil(DOCS / 5));
		for (let r = 0; r < ROUNDS; r++) {
			console.log(`push and pull, round ${r + 1} of ${ROUNDS} …`);
			// Each round another server goes first.
			const k = r % servers.length;
			for (const t of [...servers.slice(k), ...servers.slice(0, k)]) {
				const [pushed, pulled] = await round(t, SCHOOLS[r % SCHOOLS.length]!, clients);
				pushes.get(t)!.push(pushed);
				pulls.get(t)!.push(pulled);
			}
			// The same push into pouchdb-server flushing its writes, as ours does, straight after ours.
			if (flushing && a) {
				const school = SCHOOLS[r % SCHOOLS.length]!;
				await flushing.prepare(school);
				const source = local(clients);
				alike.push([pushes.get(a)!.at(-1)!, await push(flushing, school, source)]);
				await source.close();
			}
			// The same push into a server that stores nothing: the most this client can push.
			if (nothing) {
				const source = local(clients);
				ceiling.push(await push(nothing, SCHOOLS[r % SCHOOLS.length]!, source, DOCS, true));
				await source.close();
			}
		}
		console.log('push from a client on LevelDB …');
		const fromDisk = new Map<Target, number>();
		const paced = targets.filter((t) => t !== flushing);
		for (const t of paced) fromDisk.set(t, await pushFromDisk(t, clients));
		const lives = new Map<Target, Live[]>(servers.map((t) => [t, []]));
		for (let r = 0; r < LIVE_ROUNDS; r++) {
			console.log(`live clients, round ${r + 1} of ${LIVE_ROUNDS} …`);
			const k = r % servers.length;
			for (const t of [...servers.slice(k), ...servers.slice(0, k)])
				lives.get(t)!.push(await live(t, clients));
		}
		const liveRounds = (key: 'writesPerSec' | 'p50' | 'p99') =>
			new Map([...lives].map(([t, rounds]) => [t, rounds.map((l) => l[key])]));

		const figure = (t: Target | undefined, key: string): number | undefined => {
			if (!t) return undefined;
			if (key === 'push') return median(pushes.get(t)!);
			if (key === 'pull') return median(pulls.get(t)!);
			const rounds = lives.get(t)?.map((l) => l[key as 'writesPerSec' | 'p50' | 'p99']);
			return rounds?.length ? median(rounds) : undefined;
		};
		const rows: [string, string, boolean][] = [
			[`push ${DOCS} docs (docs/s)`, 'push', true],
			[`pull ${DOCS} docs (docs/s)`, 'pull', true],
			[`live: ${CLIENTS} clients x ${WRITES_PER_CLIENT} writes (writes/s)`, 'writesPerSec', true],
			['live: write to receipt p50 (ms)', 'p50', false],
			['live: write to receipt p99 (ms)', 'p99', false]
		];
		console.log('\nSync server benchmark (ratio > 1 means ours is better)');
		console.log(
			`${'figure'.padEnd(44)} ${'ours'.padStart(10)}` +
				peers.map((p) => ` ${p.name.padStart(15)} ${'ratio'.padStart(7)}`).join('')
		);
		for (const [label, key, higherIsBetter] of rows) {
			const x = figure(a, key);
			const cells = peers.map((p) => {
				const y = figure(p, key);
				const ratio = x && y ? (higherIsBetter ? x / y : y / x) : NaN;
				const shown = Number.isNaN(ratio)
					? '-'
					: Number.isFinite(ratio)
						? ratio.toFixed(2) + 'x'
						: 'inf';
				return ` ${fmt(y).padStart(15)} ${shown.padStart(7)}`;
			});
			console.log(`${label.padEnd(44)} ${fmt(x).padStart(10)}${cells.join('')}`);
		}
		const all = (m: Map<Target, number[]>) =>
			servers
				.map((t) => {
					const xs = m.get(t)!;
					return (
						`${t.name} median ${fmt(median(xs))}, range ${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}` +
						` (${xs.map(fmt).join(', ')})`
					);
				})
				.join('; ');
		// Each round's servers ran back to back, so a round's ratio is the least disturbed by the
		// machine's load drifting between rounds.
		const paired = (m: Map<Target, number[]>, higherIsBetter = true) =>
			a
				? peers
						.map((p) => {
							const ratios = m
								.get(a)!
								.map((x, i) => (higherIsBetter ? x / m.get(p)![i]! : m.get(p)![i]! / x));
							return (
								`against ${p.name} median ${median(ratios).toFixed(2)}x,` +
								` range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`
							);
						})
						.join('; ')
				: '-';
		const [load1, load5] = os.loadavg();
		console.log(
			`\nPush and pull are the median of ${ROUNDS} rounds, after one unrecorded warm-up round;` +
				` every round (docs/s):` +
				`\n  push: ${all(pushes)}` +
				`\n  pull: ${all(pulls)}` +
				`\nOurs against each peer, round by round: push ${paired(pushes)}; pull ${paired(pulls)}.` +
				`\nLive clients are the median of ${LIVE_ROUNDS} rounds; every round:` +
				`\n  writes/s: ${all(liveRounds('writesPerSec'))}` +
				`\n  write to receipt p50 (ms): ${all(liveRounds('p50'))}` +
				`\n  write to receipt p99 (ms): ${all(liveRounds('p99'))}` +
				`\nOurs against each peer, round by round: live writes/s ${paired(liveRounds('writesPerSec'))};` +
				` p50 ${paired(liveRounds('p50'), false)}.` +
				`\n${undelivered(lives)}` +
				`\nLoad average at the start: ${loadAtStart!.toFixed(2)} (1 min); at the end:` +
				` ${load1!.toFixed(2)} (1 min), ${load5!.toFixed(2)} (5 min)` +
				` on ${os.cpus().length} cores.` +
				`\nClients above hold their copies in memory. Pushing ${DOCS} docs from a client on` +
				` LevelDB, which paces itself by reading its own changes feed (docs/s): ` +
				paced
					.map(
						(t) =>
							`${t.name === 'no-op' ? 'a server that stores nothing' : t.name} ${fmt(fromDisk.get(t))}`
					)
					.join(', ') +
				'.' +
				(ceiling.length
					? `\nThe same push (in memory) into a server that stores nothing, the most this client can` +
						` push: median ${fmt(median(ceiling))} docs/s, range ${fmt(Math.min(...ceiling))}-` +
						`${fmt(Math.max(...ceiling))}.`
					: '') +
				(alike.length
					? `\nThe same push into pouchdb-server flushing every write to disk before it answers,` +
						` as ours does (the aim is against pouchdb-server as it comes, which does not): median` +
						` ${fmt(median(alike.map(([, f]) => f)))} docs/s; ours against it round by round,` +
						` median ${median(alike.map(([o, f]) => o / f)).toFixed(2)}x, range` +
						` ${Math.min(...alike.map(([o, f]) => o / f)).toFixed(2)}-` +
						`${Math.max(...alike.map(([o, f]) => o / f)).toFixed(2)}x.`
					: '') +
				cpuLine(servers) +
				requestLine([...servers, ...(nothing ? [nothing] : [])])
		);
	} finally {
		await Promise.all(targets.map((t) => t.stop()));
	}
}

/** The first `n` lines, and how many more there were. */
const atMost = (lines: string[], n: number) =>
	lines.length > n ? [...lines.slice(0, n), `  … and ${lines.length - n} more`] : lines;

/** Which live rounds left writes undelivered after 120 s, by server; or that none did. */
function undelivered(lives: Map<Target, Live[]>): string {
	const short = [...lives].flatMap(([t, rounds]) =>
		rounds.flatMap((l, r) =>
			l.missing > 0 ? [`${t.name} round ${r + 1}: ${l.missing} receipts never came`] : []
		)
	);
	return short.length
		? `Writes that never reached every other client within 120 s (see the lines printed with` +
				` the round): ${short.join('; ')}.`
		: 'Every live write reached every other client within 120 s, in every round.';
}

/**
 * The push's CPU time per 10,000 documents, of each server and of the client, from the recorded
 * rounds: the work each server does per pushed document, which the machine's load hardly changes
 * (docs/s also counts the time a process waits for a core, or for the disk).
 */
function cpuLine(servers: Target[]): string {
	const rows = servers.flatMap((t) => {
		const cpu = pushCpu.get(t);
		const server = cpu?.server.filter((x) => !Number.isNaN(x)) ?? [];
		if (!cpu || !server.length) return [];
		const s = (xs: number[]) =>
			`${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
		return [`${t.name} ${s(server)}, its client ${s(cpu.client)}`];
	});
	return rows.length
		? `\nCPU time per ${(10_000).toLocaleString('en-GB')} pushed docs, median (range) of the rounds,` +
				` server process and the benchmark's client: ${rows.join('; ')}.`
		: '';
}

/**
 * Each server's requests in the recorded pushes: the median time of each kind, and the sum of one
 * of each (a checkpoint read and write, `_revs_diff` and `_bulk_docs`): one batch's requests, for
 * a server that gets batches of 100; the no-op server, faster than the client, gets smaller ones.
 */
function requestLine(targets: Target[]): string {
	const order = ['GET checkpoint', 'POST _revs_diff', 'POST _bulk_docs', 'PUT checkpoint'];
	const rows = targets.flatMap((t) => {
		const times = pushRequests.get(t);
		if (!times) return [];
		const medians = order.map((k) => (times.get(k)?.length ? median(times.get(k)!) : NaN));
		const cells = order.map((k, i) => `${k} ${medians[i]!.toFixed(1)}`);
		const sum = medians.reduce((x, y) => x + y, 0);
		const name = t.name === 'no-op' ? 'a server that stores nothing' : t.name;
		return [`${name}: ${cells.join(', ')} (${sum.toFixed(1)} for one of each)`];
	});
	return rows.length
		? `\nRequests of the recorded pushes as the client timed them, median ms:\n  ${rows.join('\n  ')}`
		: '';
}

const fmt = (n: number | undefined) =>
	n === undefined || Number.isNaN(n)
		? '-'
		: n === Number.POSITIVE_INFINITY
			? 'never'
			: n >= 100
				? n.toFixed(0)
				: n.toFixed(1);

if (import.meta.main) await run();
