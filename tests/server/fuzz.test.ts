import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	closeClients,
	localDb,
	NODE,
	progressUpdate,
	remoteDb,
	startServer,
	type Json,
	type Server
} from './helpers.ts';

/**
 * The write paths against random and boundary JSON from a signed-in head: whatever arrives, the
 * server answers with a 2xx, 3xx or 4xx, never a 5xx, never dies, keeps answering `/_up` quickly,
 * and a fresh device can still pull the whole school afterwards.
 */

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const CONCURRENCY = 4;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const DB = '/school-oakfield';
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);

/** Values at the edges of what each member may hold. */
const boundaryNumber = fc.oneof(
	fc.constantFrom(0, -1, 1, 1.5, 2 ** 31, 2 ** 53, 1e20, -0, Number.MAX_VALUE),
	fc.integer(),
	fc.double({ noNaN: true, noDefaultInfinity: true })
);
const weirdString = fc.oneof(
	fc.string(),
	fc.string({ unit: 'grapheme' }),
	fc.constantFrom(
		'',
		'_',
		'_design/',
		'_local/',
		'_local/x',
		'_design/x',
		'constructor',
		'__proto__',
		'\u0000',
		'\ud800',
		'a\udfffb',
		'x'.repeat(1025),
		'../_users',
		'%2F'
	)
);
const rev = fc.oneof(
	fc.tuple(fc.integer({ min: 1, max: 5 }), hex32).map(([n, h]) => `${n}-${h}`),
	fc.constantFrom('1-', '0-1', '0-abc', '1-abc', '-1-a', '100000000000000000000-' + 'a'.repeat(32)),
	weirdString,
	fc.jsonValue()
);
const revisions = fc.oneof(
	fc
		.tuple(fc.integer({ min: 1, max: 6 }), fc.array(hex32, { minLength: 1, maxLength: 6 }))
		.map(([start, ids]) => ({ start, ids })),
	fc.record({ start: fc.oneof(boundaryNumber, weirdString), ids: fc.jsonValue() }),
	fc.record(
		{ start: boundaryNumber, ids: fc.array(fc.oneof(hex32, weirdString, fc.jsonValue())) },
		{ requiredKeys: [] }
	),
	fc.jsonValue()
);
const attachments = fc.oneof(
	fc.dictionary(
		weirdString,
		fc.record(
			{
				content_type: fc.oneof(fc.constant('image/jpeg'), weirdString),
				data: fc.oneof(fc.base64String({ maxLength: 64 }), weirdString),
				stub: fc.boolean(),
				digest: weirdString,
				revpos: boundaryNumber
			},
			{ requiredKeys: [] }
		),
		{ maxKeys: 3 }
	),
	fc.jsonValue()
);

/** A progress update (what a head may write) with some members replaced or added. */
const doc = fc
	.record(
		{
			_id: fc.oneof(weirdString, fc.constant(undefined)),
			_rev: rev,
			_revisions: revisions,
			_deleted: fc.oneof(fc.boolean(), fc.jsonValue()),
			_attachments: attachments,
			_conflicts: fc.jsonValue(),
			_zing: fc.jsonValue(),
			type: fc.oneof(
				fc.constantFrom('progress-update', 'visit', 'next-step', 'school', 'user'),
				weirdString
			),
			schoolId: fc.oneof(fc.constantFrom('oakfield', 'millbrook'), weirdString),
			note: fc.oneof(weirdString, fc.jsonValue()),
			by: fc.oneof(fc.constantFrom('head.oakfield', 'sil'), weirdString),
			at: fc.oneof(
				fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
				weirdString
			),
			extra: fc.jsonValue()
		},
		{ requiredKeys: [] }
	)
	.map((fields) => {
		const base: Json = progressUpdate('oakfield', 'head.oakfield');
		for (const [k, v] of Object.entries(fields)) {
			if (v === undefined) delete base[k];
			else base[k] = v;
		}
		return base;
	});
const anyDoc = fc.oneof({ weight: 4, arbitrary: doc }, { weight: 1, arbitrary: fc.jsonValue() });
const docs = fc.array(anyDoc, { maxLength: 5 });
const idRevs = fc.dictionary(
	weirdString,
	fc.oneof(fc.array(rev, { maxLength: 4 }), fc.jsonValue()),
	{
		maxKeys: 5
	}
);

type Request = { method: string; path: string; body?: unknown; raw?: string };
/** Percent-encodes, sending a lone surrogate as the (invalid) UTF-8 bytes a careless client would. */
function enc(value: unknown): string {
	const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
	try {
		return encodeURIComponent(s);
	} catch {
		return encodeURIComponent(s.toWellFormed()) + '%ED%A0%80';
	}
}
const path = (id: unknown) => `${DB}/${enc(id)}`;

const request: fc.Arbitrary<Request> = fc.oneof(
	anyDoc.map((d) => ({ method: 'PUT', path: path((d as Json)?._id ?? 'x'), body: d })),
	fc
		.tuple(anyDoc, weirdString)
		.map(([d, id]) => ({ method: 'PUT', path: `${path(id)}?new_edits=false`, body: d })),
	fc.tuple(anyDoc, rev).map(([d, r]) => ({
		method: 'PUT',
		path: `${path((d as Json)?._id ?? 'x')}?rev=${enc(r)}`,
		body: d
	})),
	anyDoc.map((d) => ({ method: 'POST', path: DB, body: d })),
	fc
		.tuple(docs, fc.oneof(fc.boolean(), fc.constant(undefined), fc.jsonValue()))
		.map(([list, newEdits]) => ({
			method: 'POST',
			path: `${DB}/_bulk_docs`,
			body: newEdits === undefined ? { docs: list } : { docs: list, new_edits: newEdits }
		})),
	docs.map((list) => ({
		method: 'POST',
		path: `${DB}/_bulk_docs`,
		body: { new_edits: false, docs: list }
	})),
	fc
		.tuple(
			fc.array(
				fc.oneof(
					fc.record(
						{ id: weirdString, rev, atts_since: fc.oneof(fc.array(rev), fc.jsonValue()) },
						{ requiredKeys: ['id'] }
					),
					fc.jsonValue()
				),
				{ maxLength: 5 }
			),
			fc.constantFrom('', '?revs=true', '?revs=true&latest=true', '?attachments=true&revs=true')
		)
		.map(([list, q]) => ({ method: 'POST', path: `${DB}/_bulk_get${q}`, body: { docs: list } })),
	idRevs.map((body) => ({ method: 'POST', path: `${DB}/_revs_diff`, body })),
	fc
		.tuple(fc.oneof(fc.array(weirdString, { maxLength: 6 }), fc.jsonValue()), fc.boolean())
		.map(([keys, include]) => ({
			method: 'POST',
			path: `${DB}/_all_docs${include ? '?include_docs=true&conflicts=true' : ''}`,
			body: { keys }
		})),
	fc.tuple(rev, weirdString).map(([r, id]) => ({
		method: 'DELETE',
		path: `${path(id)}?rev=${enc(r)}`
	})),
	fc.tuple(anyDoc, weirdString).map(([d, id]) => ({
		method: 'PUT',
		path: `${DB}/_local/${enc(id)}`,
		body: d
	})),
	fc.string().map((raw) => ({ method: 'POST', path: `${DB}/_bulk_docs`, raw }))
);

describe('fuzzing the write paths', () => {
	test(`${REQUESTS} random and boundary requests from a head: no 5xx, no crash, /_up stays quick, the school still pulls (seed ${SEED})`, async () => {
		const requests = fc.sample(request, { numRuns: REQUESTS, seed: SEED });
		const failures: string[] = [];
		const statuses = new Map<number, number>();
		let next = 0;

		// `/_up` is timed from a process of its own, so that the fuzzing client's own busy thread
		// does not count against the server.
		const sampler = spawn(
			NODE,
			[
				'-e',
				`const ms = []; let on = true;
				process.stdin.on('data', () => (on = false)).resume();
				(async () => {
					await (await fetch(process.argv[1] + '/_up')).text();
					process.stderr.write('ready');
					while (on) {
						const t = performance.now();
						const r = await fetch(process.argv[1] + '/_up');
						await r.text();
						ms.push(r.status === 200 ? performance.now() - t : Infinity);
						await new Promise((resolve) => setTimeout(resolve, 25));
					}
					process.stdout.write(JSON.stringify(ms));
					process.exit(0);
				})();`,
				server.api
			],
			{ stdio: ['pipe', 'pipe', 'pipe'] }
		);
		// Its first request (the client warming up) is not a sample.
		await new Promise((resolve) => sampler.stderr.once('data', resolve));
		let sampled = '';
		sampler.stdout.on('data', (d: Buffer) => (sampled += d.toString()));
		const samplerDone = new Promise((resolve) => sampler.once('exit', resolve));

		const worker = async () => {
			while (next < requests.length) {
				const req = requests[next++]!;
				let status: number;
				try {
					const r = await api(server, req.method, req.path, {
						user: 'head.oakfield',
						...(req.raw !== undefined
							? { raw: req.raw, headers: { 'Content-Type': 'application/json' } }
							: { body: req.body })
					});
					status = r.status;
					if (status >= 500)
						failures.push(
							`${status} ${req.method} ${req.path} ${JSON.stringify(req.body ?? req.raw).slice(0, 300)} → ${JSON.stringify(r.body)}`
						);
				} catch (err) {
					failures.push(`no answer: ${req.method} ${req.path}: ${String(err)}`);
					status = 0;
				}
				statuses.set(status, (statuses.get(status) ?? 0) + 1);
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));
		sampler.stdin.end('stop');
		await samplerDone;
		const upMs = (JSON.parse(sampled) as number[]).sort((a, b) => a - b);

		expect(server.proc.exitCode).toBeNull();
		expect(failures.slice(0, 5)).toEqual([]);
		expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
		// Some of them were accepted: the fuzz reaches the write itself, not only the checks.
		expect((statuses.get(201) ?? 0) + (statuses.get(200) ?? 0)).toBeGreaterThan(REQUESTS / 20);
		console.log(
			`fuzz: ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
				`/_up ${upMs.length} samples, median ${upMs[upMs.length >> 1]?.toFixed(1)} ms, ` +
				`p99 ${upMs[Math.floor(upMs.length * 0.99)]?.toFixed(1)} ms, max ${upMs.at(-1)?.toFixed(1)} ms`
		);
		expect(upMs.length).toBeGreaterThan(50);
		// The server answers between any two requests: 95 in 100 samples under 100 ms and none near a
		// second. The remaining tail is this shared two-core machine's scheduler (load average 14 while
		// this was written), which an idle server shows too.
		expect(upMs[Math.floor(upMs.length * 0.95)]).toBeLessThan(100);
		expect(upMs.at(-1)).toBeLessThan(1000);

		// A fresh device pulls the whole school, and has what the server has.
		const device = localDb('fuzz-pull');
		const pull = await device.replicate.from(remoteDb(server, 'school-oakfield', 'head.oakfield'));
		expect(pull.ok).toBe(true);
		expect(pull.doc_write_failures).toBe(0);
		const serverInfo = await api(server, 'GET', DB, { user: 'head.oakfield' });
		expect((await device.info()).doc_count).toBe(serverInfo.body.doc_count);
	}, 150_000);
});
