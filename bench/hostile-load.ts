/**
 * Load under attack (issue 13): 200 simulated devices (plain HTTP clients) sign in, long-poll and
 * write for 60 s while one hostile client sends slow uploads, sign-in floods and oversized bodies.
 * Reports writes lost (acknowledged but missing from the server, or never seen by the other devices
 * of the school: must be 0), write-to-receipt p50/p99 (a write by one device seen by another's
 * long-poll), the devices' failed requests, what the hostile client achieved, `/_up` latency, and
 * the server's memory at the start, its peak and the end. Not a timed test: `npm run bench`.
 *
 * The server runs as shipped: production password hashing (600,000 PBKDF2 rounds), fsync, default
 * limits. Devices are grouped by school behind one address each (127.0.10.x: a school's NAT);
 * the hostile client uses its own addresses (127.0.66.x). Half the devices follow their school with
 * `_changes?feed=longpoll`, half with `_db_updates?feed=longpoll` then `_changes` (as the app does).
 *
 * BENCH_HOSTILE_SECONDS (60), BENCH_HOSTILE_DEVICES (200), BENCH_HOSTILE_WRITE_EVERY (10, seconds
 * between one device's writes, on average), BENCH_HOSTILE_ATTACK (slow,signin,big; 0 for a baseline).
 * A write not seen by every other device of its school 60 s after the load ends counts as lost.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const ROOT = path.resolve(import.meta.dirname, '..');
const TMP = path.join(ROOT, 'bench/.tmp');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PASSWORD = 'bench-password-1';

const SECONDS = Number(process.env.BENCH_HOSTILE_SECONDS ?? 60);
const DEVICES = Number(process.env.BENCH_HOSTILE_DEVICES ?? 200);
const WRITE_EVERY = Number(process.env.BENCH_HOSTILE_WRITE_EVERY ?? 10) * 1000;
/** Which attacks run: BENCH_HOSTILE_ATTACK=slow,signin,big (the default: all); 0 for a baseline. */
const ATTACKS = (process.env.BENCH_HOSTILE_ATTACK ?? 'slow,signin,big').split(',');
const ATTACK = ATTACKS.some((a) => ['slow', 'signin', 'big'].includes(a));
/** How long after the load a write may still arrive before it counts as lost. */
const GRACE = 60_000;
const SCHOOLS = ['willow-bank', 'oakfield', 'ashcombe', 'hawthorn', 'st-aidans', 'kingsmead'];
/** Accounts per school: devices take turns among them, as a head and staff would. */
const USERS_PER_SCHOOL = 3;

interface Answer {
	status: number;
	body: string;
	headers: http.IncomingHttpHeaders;
}

let port = 0;

function request(
	agent: http.Agent | undefined,
	method: string,
	pathname: string,
	opts: { cookie?: string; auth?: string; body?: string; headers?: Record<string, string> } = {}
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
		if (opts.cookie) headers.Cookie = opts.cookie;
		if (opts.auth) headers.Authorization = 'Basic ' + Buffer.from(opts.auth).toString('base64');
		if (opts.body !== undefined) {
			headers['Content-Type'] ??= 'application/json';
			headers['Content-Length'] = String(Buffer.byteLength(opts.body));
		}
		const req = http.request(
			{ host: '127.0.0.1', port, method, path: '/couchdb' + pathname, headers, agent },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (d: Buffer) => chunks.push(d));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						body: Buffer.concat(chunks).toString(),
						headers: res.headers
					})
				);
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end(opts.body);
	});
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

/** CPU seconds a process has used (Linux; clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process, in MB (Linux). */
function rssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

const started = performance.now();
const progress = (what: string) =>
	process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

interface Written {
	school: string;
	by: number;
	at: number;
}

interface Device {
	n: number;
	school: string;
	user: string;
	agent: http.Agent;
	cookie: string;
	seen: Set<string>;
	/** Whether this device follows `_changes` directly or `_db_updates` then `_changes`. */
	mode: 'changes' | 'db_updates';
}

/**
 * The hostile client, in a worker thread of its own: its work must not slow the devices' clocks,
 * as an attacker's machine would not. Runs until told to stop, then posts what it achieved.
 */
async function hostileClient(attacks: string[]): Promise<void> {
	let running = true;
	parentPort!.once('message', () => (running = false));
	const hostile = new Map<string, number>();
	const slowSockets = new Set<net.Socket>();
	const slowUploads = async () => {
		// Slow uploads from one address, more than its connection cap, re-opened as they are cut.
		while (running) {
			while (running && slowSockets.size < 400) {
				const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.66.1' });
				slowSockets.add(socket);
				let answer = '';
				socket.on('data', (b: Buffer) => (answer += b.toString()));
				socket.on('error', () => undefined);
				socket.on('connect', () =>
					socket.write(
						'POST /couchdb/_session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n'
					)
				);
				const drip = setInterval(() => socket.write('x'), 5000);
				socket.once('close', () => {
					clearInterval(drip);
					if (!running) return; // closed by us at the end
					slowSockets.delete(socket);
					const status = /^HTTP\/1\.1 (\d+)/.exec(answer)?.[1];
					count(
						hostile,
						status ? `slow upload answered ${status}` : 'slow upload closed by the server'
					);
				});
				await sleep(5);
			}
			await sleep(200);
		}
	};
	/** 25 wrong passwords in flight all the time, half for a real account, half for unknown names. */
	const signInFlood = async (lane: number) => {
		const agent = new http.Agent({
			keepAlive: true,
			localAddress: `127.0.66.${2 + (lane % 4)}`
		} as http.AgentOptions);
		await Promise.all(
			Array.from({ length: 25 }, async (_, j) => {
				for (let i = 0; running; i++) {
					const name = j % 2 ? 'bench-oakfield-0' : `nobody-${lane}-${i}-${j}`;
					try {
						const r = await request(agent, 'POST', '/_session', {
							body: JSON.stringify({ name, password: `wrong-${i}-${j}` })
						});
						count(hostile, `sign-in flood: ${r.status}`);
					} catch {
						count(hostile, 'sign-in flood: error');
					}
				}
			})
		);
		agent.destroy();
	};
	const oversized = async () => {
		const agent = new http.Agent({ localAddress: '127.0.66.9' } as http.AgentOptions);
		const big = 'x'.repeat(1024 * 1024);
		for (let i = 0; running; i++) {
			const status = await new Promise<string>((resolve) => {
				const req = http.request(
					{
						host: '127.0.0.1',
						port,
						method: 'POST',
						path: '/couchdb/school-oakfield/_bulk_docs',
						agent,
						headers: {
							'Content-Type': 'application/json',
							Authorization:
								'Basic ' + Buffer.from(`bench-oakfield-1:${PASSWORD}`).toString('base64'),
							// Alternately undeclared (chunked, 70 MB) and declared as 100 MB.
							...(i % 2 ? { 'Content-Length': String(100 * 1024 * 1024) } : {})
						}
					},
					(res) => {
						res.resume();
						res.on('end', () => resolve(String(res.statusCode)));
					}
				);
				req.on('error', () => resolve('reset'));
				let sent = 0;
				const pump = () => {
					while (sent < 70 && !req.destroyed) {
						sent++;
						if (!req.write(big)) return void req.once('drain', pump);
					}
					req.end();
				};
				pump();
			});
			count(hostile, `oversized body: ${status}`);
			await sleep(500);
		}
		agent.destroy();
	};
	await Promise.all([
		...(attacks.includes('slow') ? [slowUploads()] : []),
		...(attacks.includes('signin')
			? Array.from({ length: 8 }, (_, lane) => signInFlood(lane))
			: []),
		...(attacks.includes('big') ? [oversized()] : [])
	]);
	hostile.set('slow upload still held at the end', slowSockets.size);
	parentPort!.postMessage([...hostile]);
	for (const s of slowSockets) s.destroy();
}

export async function run(): Promise<void> {
	fs.mkdirSync(TMP, { recursive: true });
	const dir = fs.mkdtempSync(path.join(TMP, 'hostile-'));
	port = await freePort();
	const proc = spawn(NODE, [path.join(ROOT, 'sync-server/src/main.ts'), '--demo'], {
		env: {
			...process.env,
			PORT: String(port),
			DATA_DIR: dir,
			DEMO_PASSWORD: PASSWORD,
			LOG_LEVEL: 'error',
			STATIC_DIR: path.join(dir, 'none')
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let serverOut = '';
	proc.stdout.on('data', (d: Buffer) => (serverOut = (serverOut + d.toString()).slice(-20_000)));
	proc.stderr.on('data', (d: Buffer) => (serverOut = (serverOut + d.toString()).slice(-20_000)));
	const exited = new Promise<void>((r) => proc.once('exit', () => r()));
	try {
		for (let i = 0; ; i++) {
			if (proc.exitCode !== null) throw new Error(`server exited:\n${serverOut}`);
			try {
				if ((await request(undefined, 'GET', '/_up')).status === 200) break;
			} catch {
				/* starting */
			}
			if (i > 600) throw new Error(`server did not start:\n${serverOut}`);
			await sleep(100);
		}
		await measure(proc.pid!, () => proc.exitCode === null);
	} finally {
		if (proc.exitCode === null) proc.kill('SIGTERM');
		await exited;
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function measure(pid: number, alive: () => boolean): Promise<void> {
	const admin = `admin:${PASSWORD}`;
	// Accounts: a few per school, created by the administrator (each costs one password hash).
	const users: Record<string, string[]> = {};
	for (const school of SCHOOLS) {
		users[school] = [];
		for (let k = 0; k < USERS_PER_SCHOOL; k++) {
			const name = `bench-${school}-${k}`;
			const r = await request(undefined, 'PUT', `/_users/org.couchdb.user:${name}`, {
				auth: admin,
				body: JSON.stringify({
					_id: `org.couchdb.user:${name}`,
					type: 'user',
					name,
					roles: ['head', `school:${school}`],
					password: PASSWORD
				})
			});
			if (r.status !== 201) throw new Error(`creating ${name}: ${r.status} ${r.body}`);
			users[school].push(name);
		}
	}

	progress('accounts created');
	// Devices sign in (cookie sessions, as the app does), retrying on 429 as a person would.
	const devices: Device[] = [];
	const deviceErrors = new Map<string, number>();
	await Promise.all(
		Array.from({ length: DEVICES }, async (_, n) => {
			const s = n % SCHOOLS.length;
			const school = SCHOOLS[s]!;
			const user = users[school]![Math.floor(n / SCHOOLS.length) % USERS_PER_SCHOOL]!;
			const agent = new http.Agent({
				keepAlive: true,
				maxSockets: 6,
				localAddress: `127.0.10.${s + 1}`
			} as http.AgentOptions);
			for (;;) {
				const r = await request(agent, 'POST', '/_session', {
					body: JSON.stringify({ name: user, password: PASSWORD })
				});
				if (r.status === 200) {
					const cookie = String(r.headers['set-cookie']).split(';')[0]!;
					devices.push({
						n,
						school,
						user,
						agent,
						cookie,
						seen: new Set(),
						mode: n % 2 ? 'db_updates' : 'changes'
					});
					return;
				}
				count(deviceErrors, `sign-in ${r.status}`);
				await sleep(Number(r.headers['retry-after'] ?? 1) * 1000);
			}
		})
	);
	devices.sort((a, b) => a.n - b.n);
	progress(`${devices.length} devices signed in`);

	const written = new Map<string, Written>();
	const acknowledged: string[] = [];
	const latencies: number[] = [];
	const memStart = rssMb(pid);
	const cpuStart = cpuSeconds(pid);
	const benchCpuStart = process.cpuUsage();
	const wallStart = performance.now();
	let memPeak = memStart;
	let running = true;
	let writesRefused = 0;
	const upMs: number[] = [];

	const receive = (d: Device, ids: string[]) => {
		const now = performance.now();
		for (const id of ids) {
			if (d.seen.has(id)) continue;
			d.seen.add(id);
			const w = written.get(id);
			if (w && w.by !== d.n) latencies.push(now - w.at);
		}
	};

	const changesOf = (body: string) =>
		JSON.parse(body) as { results: { id: string }[]; last_seq: string | number };

	/** Follows the school until the bench is over (the load and the grace after it). */
	const follow = async (d: Device, until: () => boolean) => {
		const db = `/school-${d.school}`;
		const first = await request(d.agent, 'GET', `${db}/_changes?since=now`, { cookie: d.cookie });
		let since = changesOf(first.body).last_seq;
		let updatesSince = 'now';
		while (until()) {
			try {
				if (d.mode === 'changes') {
					const r = await request(
						d.agent,
						'GET',
						`${db}/_changes?feed=longpoll&timeout=25000&since=${since}`,
						{ cookie: d.cookie }
					);
					if (r.status !== 200) throw new Error(`changes ${r.status}`);
					const c = changesOf(r.body);
					receive(
						d,
						c.results.map((x) => x.id)
					);
					since = c.last_seq;
				} else {
					const u = await request(
						d.agent,
						'GET',
						`/_db_updates?feed=longpoll&timeout=50000&since=${updatesSince}`,
						{ cookie: d.cookie }
					);
					if (u.status !== 200) throw new Error(`db_updates ${u.status}`);
					const body = JSON.parse(u.body) as { results: unknown[]; last_seq: string };
					updatesSince = body.last_seq;
					if (!body.results.length) continue;
					const r = await request(d.agent, 'GET', `${db}/_changes?since=${since}`, {
						cookie: d.cookie
					});
					if (r.status !== 200) throw new Error(`changes ${r.status}`);
					const c = changesOf(r.body);
					receive(
						d,
						c.results.map((x) => x.id)
					);
					since = c.last_seq;
				}
			} catch (err) {
				if (!until()) return; // the bench is over and closed the connection
				count(deviceErrors, (err as Error).message);
				await sleep(1000);
			}
		}
	};

	const write = async (d: Device) => {
		while (running) {
			await sleep(WRITE_EVERY * (0.5 + Math.random()));
			if (!running) break;
			const at = new Date().toISOString();
			const id = `progress:2026-27:bench:${at}:${crypto.randomUUID()}`;
			const doc = {
				_id: id,
				schemaVersion: 1,
				type: 'progress-update',
				schoolId: d.school,
				nextStepId: 'next-step:2026-27:bench',
				status: 'in-progress',
				note: 'Progress noted in the staff meeting.',
				by: d.user,
				at
			};
			written.set(id, { school: d.school, by: d.n, at: performance.now() });
			try {
				const r = await request(d.agent, 'PUT', `/school-${d.school}/${encodeURIComponent(id)}`, {
					cookie: d.cookie,
					body: JSON.stringify(doc)
				});
				if (r.status === 201) acknowledged.push(id);
				else {
					writesRefused++;
					count(deviceErrors, `write ${r.status}`);
				}
			} catch (err) {
				writesRefused++;
				count(deviceErrors, `write ${(err as Error).message}`);
			}
		}
	};

	const sampler = setInterval(() => {
		if (alive()) memPeak = Math.max(memPeak, rssMb(pid));
	}, 500);
	const upProbe = (async () => {
		while (running) {
			const t = performance.now();
			try {
				await request(undefined, 'GET', '/_up');
				upMs.push(performance.now() - t);
			} catch {
				upMs.push(Infinity);
			}
			await sleep(500);
		}
	})();

	let following = true;
	const followers = devices.map((d) => follow(d, () => following));
	await sleep(1000); // every feed open before the first write
	const worker = ATTACK
		? new Worker(new URL(import.meta.url), { workerData: { port, attacks: ATTACKS } })
		: null;
	const hostileDone = new Promise<Map<string, number>>((resolve, reject) => {
		if (!worker) return resolve(new Map());
		worker.once('message', (entries: [string, number][]) => resolve(new Map(entries)));
		worker.once('error', reject);
	});
	const writers = devices.map((d) => write(d));
	await sleep(SECONDS * 1000);
	running = false;
	progress('load over; waiting for the last receipts');
	worker?.postMessage('stop');
	await Promise.all([...writers, upProbe]);
	const hostile = await hostileDone;
	await worker?.terminate();
	progress('writers and hostile client stopped');

	// Give the last writes up to GRACE to reach every other device of their school.
	const expectedReceipts = (id: string) => {
		const w = written.get(id)!;
		return devices.filter((d) => d.school === w.school && d.n !== w.by);
	};
	const waitUntil = performance.now() + GRACE;
	while (
		performance.now() < waitUntil &&
		acknowledged.some((id) => expectedReceipts(id).some((d) => !d.seen.has(id)))
	)
		await sleep(250);
	const memEnd = rssMb(pid);
	const cpuUsed = cpuSeconds(pid) - cpuStart;
	const benchCpu = process.cpuUsage(benchCpuStart);
	const benchCpuUsed = (benchCpu.user + benchCpu.system) / 1e6;
	const wall = (performance.now() - wallStart) / 1000;
	clearInterval(sampler);
	following = false;
	for (const d of devices) d.agent.destroy(); // ends the long-polls in flight
	await Promise.all(followers);

	// Lost: acknowledged but not on the server, or never seen by another device of the school.
	let missingOnServer = 0;
	for (const school of SCHOOLS) {
		const ids = acknowledged.filter((id) => written.get(id)!.school === school);
		if (!ids.length) continue;
		const r = await request(undefined, 'POST', `/school-${school}/_all_docs`, {
			auth: admin,
			body: JSON.stringify({ keys: ids })
		});
		const rows = (JSON.parse(r.body) as { rows: { error?: string }[] }).rows;
		missingOnServer += rows.filter((row) => row.error).length;
	}
	const unseen = acknowledged.filter((id) =>
		expectedReceipts(id).some((d) => !d.seen.has(id))
	).length;

	latencies.sort((a, b) => a - b);
	upMs.sort((a, b) => a - b);
	const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
	const list = (m: Map<string, number>) =>
		[...m]
			.sort()
			.map(([k, v]) => `  ${k}: ${v}`)
			.join('\n') || '  none';
	console.log(
		[
			`${DEVICES} devices in ${SCHOOLS.length} schools for ${SECONDS} s, a write every ~${WRITE_EVERY / 1000} s each, ${ATTACK ? `with the hostile client (${ATTACKS.join(', ')})` : 'WITHOUT the hostile client'}`,
			`writes acknowledged          ${acknowledged.length} (refused or failed: ${writesRefused})`,
			`writes lost                  ${missingOnServer + unseen} (missing on the server: ${missingOnServer}, never seen by another device of the school: ${unseen})`,
			`write to receipt p50 / p99   ${fmt(percentile(latencies, 50))} / ${fmt(percentile(latencies, 99))} (${latencies.length} receipts)`,
			`/_up p50 / p99 / max         ${fmt(percentile(upMs, 50))} / ${fmt(percentile(upMs, 99))} / ${fmt(upMs.at(-1) ?? NaN)}`,
			`server memory (RSS)          start ${memStart.toFixed(0)} MB, peak ${memPeak.toFixed(0)} MB, end ${memEnd.toFixed(0)} MB`,
			`server CPU                   ${cpuUsed.toFixed(0)} s in ${wall.toFixed(0)} s (${((100 * cpuUsed) / wall).toFixed(0)}% of one core); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`,
			`bench CPU (devices + hostile) ${benchCpuUsed.toFixed(0)} s: on one machine the clients take CPU the server would have`,
			`device request failures:\n${list(deviceErrors)}`,
			`hostile requests:\n${list(hostile)}`
		].join('\n')
	);
}

if (!isMainThread) {
	const data = workerData as { port: number; attacks: string[] };
	port = data.port;
	await hostileClient(data.attacks);
} else if (import.meta.main) await run();
