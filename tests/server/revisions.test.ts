import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	CLI,
	closeClients,
	localDb,
	NODE,
	nextStep,
	progressUpdate,
	remoteDb,
	startServer,
	type Json,
	type Server
} from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const head = { user: 'head.oakfield' };
const hex = () => crypto.randomBytes(16).toString('hex');
const DB = '/school-oakfield';

/** The document of the report, with the revision members given. */
function withRevs(revs: Json, id = `progress:bad:${hex()}`): Json & { _id: string } {
	return { ...progressUpdate('oakfield', 'head.oakfield'), _id: id, ...revs };
}

const BAD_REVS = [
	'1-',
	'0-' + hex(),
	'1' + '0'.repeat(20) + '-' + hex(),
	'1-abc',
	'x-' + hex(),
	'01-' + hex(),
	'-1-' + hex(),
	hex(),
	`1-${hex()}x`
];

describe('revision members are checked completely before anything is written', () => {
	test("the issue's replicated write is refused, and the school still reads", async () => {
		const doc = withRevs({ _rev: '3-abc', _revisions: { start: 'x', ids: 5 } }, 'p1');
		const r = await api(server, 'POST', `${DB}/_bulk_docs`, {
			...head,
			body: { new_edits: false, docs: [doc] }
		});
		expect(r.status).toBe(400);
		expect(r.body).toEqual({
			error: 'doc_validation',
			reason: "_revisions.start isn't an integer."
		});
		const all = await api(server, 'GET', `${DB}/_all_docs?include_docs=true`, head);
		expect(all.status).toBe(200);
		const changes = await api(
			server,
			'GET',
			`${DB}/_changes?include_docs=true&conflicts=true`,
			head
		);
		expect(changes.status).toBe(200);
		expect((await api(server, 'GET', `${DB}/p1`, head)).status).toBe(404);
	});

	test.each(BAD_REVS)('_rev %s is "Invalid rev format" on every write route', async (rev) => {
		const invalid = { error: 'bad_request', reason: 'Invalid rev format' };
		const doc = withRevs({ _rev: rev });
		const id = encodeURIComponent(doc._id);
		const routes = [
			api(server, 'PUT', `${DB}/${id}`, { ...head, body: doc }),
			api(server, 'PUT', `${DB}/${id}?new_edits=false`, { ...head, body: doc }),
			api(server, 'PUT', `${DB}/${id}?rev=${encodeURIComponent(rev)}`, {
				...head,
				body: { ...doc, _rev: undefined }
			}),
			api(server, 'POST', DB, { ...head, body: doc }),
			api(server, 'POST', `${DB}/_bulk_docs`, { ...head, body: { docs: [doc] } }),
			api(server, 'POST', `${DB}/_bulk_docs`, { ...head, body: { new_edits: false, docs: [doc] } }),
			api(server, 'DELETE', `${DB}/${id}?rev=${encodeURIComponent(rev)}`, head)
		];
		for (const r of await Promise.all(routes)) {
			expect(r.status).toBe(400);
			expect(r.body).toEqual(invalid);
		}
		expect((await api(server, 'GET', `${DB}/${id}`, head)).status).toBe(404);
	});

	test('_local documents take only their own revisions (0-N)', async () => {
		const put = (rev: unknown) =>
			api(server, 'PUT', `${DB}/_local/checkpoint-${hex()}`, {
				...head,
				body: { _rev: rev, session_id: 's', history: [] }
			});
		for (const rev of ['0-', '0-abc', '1-' + hex(), '0-0', 7]) {
			const r = await put(rev);
			expect(r.status, String(rev)).toBe(400);
			expect(r.body.reason).toBe('Invalid rev format');
		}
		const created = await api(server, 'PUT', `${DB}/_local/cp`, { ...head, body: { n: 1 } });
		expect(created.body).toMatchObject({ ok: true, rev: '0-1' });
		const updated = await api(server, 'PUT', `${DB}/_local/cp`, {
			...head,
			body: { _rev: '0-1', n: 2 }
		});
		expect(updated.body).toMatchObject({ ok: true, rev: '0-2' });
	});

	test.each([
		[{ start: 'x', ids: [hex()] }, "_revisions.start isn't an integer."],
		[{ start: 1.5, ids: [hex()] }, "_revisions.start isn't an integer."],
		[{ start: 2, ids: 5 }, "_revisions.ids isn't a array."],
		[{ start: 2, ids: [hex(), 7] }, "RevId isn't a string"],
		[{ start: 2, ids: [hex(), 'abc'] }, "RevId isn't a valid hexadecimal"],
		[{ start: 0, ids: [hex()] }, '_revisions.start must be a whole number from 1 to 1000000000.'],
		[{ start: -3, ids: [hex()] }, '_revisions.start must be a whole number from 1 to 1000000000.'],
		[
			{ start: 1e20, ids: [hex()] },
			'_revisions.start must be a whole number from 1 to 1000000000.'
		],
		[{ start: 2, ids: [] }, '_revisions.ids is empty.'],
		[
			{ start: 2, ids: [hex(), hex(), hex()] },
			'_revisions.ids lists more revisions than _revisions.start allows.'
		],
		['3-abc', 'Bad special document member: _revisions']
	])('_revisions %j is refused: %s', async (revisions, reason) => {
		const start = (revisions as { start?: unknown }).start;
		const first = (revisions as { ids?: unknown[] }).ids?.[0];
		const rev =
			typeof start === 'number' && typeof first === 'string' ? `${start}-${first}` : `2-${hex()}`;
		const doc = withRevs({ _rev: rev, _revisions: revisions });
		for (const newEdits of [false, true]) {
			const r = await api(server, 'POST', `${DB}/_bulk_docs`, {
				...head,
				body: { new_edits: newEdits, docs: [doc] }
			});
			expect(r.status).toBe(400);
			expect(r.body.reason).toBe(reason);
		}
		const put = await api(server, 'PUT', `${DB}/${encodeURIComponent(doc._id)}?new_edits=false`, {
			...head,
			body: doc
		});
		expect(put.status).toBe(400);
	});

	test('_revisions must name the revision _rev names', async () => {
		const ids = [hex(), hex()];
		const doc = withRevs({ _rev: `3-${ids[0]}`, _revisions: { start: 2, ids } });
		const r = await api(server, 'POST', `${DB}/_bulk_docs`, {
			...head,
			body: { new_edits: false, docs: [doc] }
		});
		expect(r.status).toBe(400);
		expect(r.body.error).toBe('bad_request');
		expect(String(r.body.reason)).toContain('is not the first revision of _revisions');
	});

	test('one bad document refuses its whole batch: nothing is written', async () => {
		const good = withRevs({ _rev: `1-${hex()}` });
		const bad = withRevs({ _rev: '1-' });
		const r = await api(server, 'POST', `${DB}/_bulk_docs`, {
			...head,
			body: { new_edits: false, docs: [good, bad] }
		});
		expect(r.status).toBe(400);
		expect((await api(server, 'GET', `${DB}/${encodeURIComponent(good._id)}`, head)).status).toBe(
			404
		);
	});

	test('unknown special members are doc_validation; the ones CouchDB ignores are dropped', async () => {
		for (const member of ['_zing', '_foo', '_rev_tree', '_removed']) {
			const doc = withRevs({ [member]: 4 });
			const r = await api(server, 'PUT', `${DB}/${encodeURIComponent(doc._id)}`, {
				...head,
				body: doc
			});
			expect(r.status).toBe(400);
			expect(r.body).toEqual({
				error: 'doc_validation',
				reason: `Bad special document member: ${member}`
			});
		}
		const deleted = withRevs({ _deleted: 'yes' });
		expect(
			(await api(server, 'POST', `${DB}/_bulk_docs`, { ...head, body: { docs: [deleted] } })).body
		).toEqual({ error: 'doc_validation', reason: 'Bad special document member: _deleted' });
		const ignored = withRevs({ _conflicts: ['x'], _revs_info: 5, _local_seq: 1 });
		const r = await api(server, 'PUT', `${DB}/${encodeURIComponent(ignored._id)}`, {
			...head,
			body: ignored
		});
		expect(r.status).toBe(201);
		const back = await api(server, 'GET', `${DB}/${encodeURIComponent(ignored._id)}`, head);
		expect(back.body._conflicts).toBeUndefined();
	});

	test('a history longer than the revisions kept (1000) is refused at once; the server keeps answering', async () => {
		const ids = Array.from({ length: 100_000 }, hex);
		const doc = withRevs({ _rev: `100000-${ids[0]}`, _revisions: { start: 100_000, ids } });
		const started = performance.now();
		const write = api(server, 'POST', `${DB}/_bulk_docs`, {
			...head,
			body: { new_edits: false, docs: [doc] }
		});
		const upStarted = performance.now();
		const up = await api(server, 'GET', '/_up');
		const upMs = performance.now() - upStarted;
		const r = await write;
		const ms = performance.now() - started;
		expect(r.status).toBe(400);
		expect(r.body).toEqual({
			error: 'doc_validation',
			reason: '_revisions.ids lists 100000 revisions; this database keeps at most 1000.'
		});
		expect(up.status).toBe(200);
		expect(upMs).toBeLessThan(1000);
		expect(ms).toBeLessThan(2000);
	});

	test('replication with full histories still works both ways, and a 1000-revision history is kept', async () => {
		const ids = Array.from({ length: 1000 }, hex);
		const doc = {
			...nextStep('oakfield'),
			_rev: `1200-${ids[0]}`,
			_revisions: { start: 1200, ids }
		};
		const r = await api(server, 'POST', `${DB}/_bulk_docs`, {
			user: 'sil',
			body: { new_edits: false, docs: [doc] }
		});
		expect(r.status).toBe(201);
		expect(r.body).toEqual([]);

		const device = localDb('revs');
		const remote = remoteDb(server, 'school-oakfield', 'sil');
		await device.replicate.from(remote);
		const local = await device.get(doc._id);
		expect(local._rev).toBe(`1200-${ids[0]}`);
		const edited = await device.put({ ...local, action: 'Edited on the device.' });
		const push = await device.replicate.to(remote);
		expect(push.doc_write_failures).toBe(0);
		const back = await api(server, 'GET', `${DB}/${encodeURIComponent(doc._id)}?revs=true`, {
			user: 'sil'
		});
		expect(back.body._rev).toBe(edited.rev);
		expect(back.body.action).toBe('Edited on the device.');
		expect((back.body._revisions as { ids: string[] }).ids).toHaveLength(1000);
	});
});

describe('a document PouchDB cannot read fails only the requests that read it', () => {
	test('stored before this check existed, it answers 500 (logged) while everything else carries on', async () => {
		// A data folder holding what the old server accepted from the request.
		const own = await startServer();
		await own.stop();
		const file = path.join(own.dataDir, 'dbs', 'school-oakfield');
		const raw = new PouchDB(file);
		await raw.bulkDocs(
			[{ ...withRevs({}, 'p1'), _rev: '3-abc', _revisions: { start: 'x', ids: 5 } } as never],
			{ new_edits: false }
		);
		await raw.close();
		const broken = await own.restart();
		try {
			const reads = [
				`${DB}/_all_docs?include_docs=true`,
				`${DB}/_changes?include_docs=true`,
				`${DB}/_changes?conflicts=true&style=all_docs&include_docs=true`
			];
			// The first reads after the start arrive together, while the database is still opening.
			for (const r of await Promise.all(reads.map((read) => api(broken, 'GET', read, head)))) {
				expect(r.status).toBe(500);
			}
			for (let round = 0; round < 2; round++) {
				for (const read of reads) {
					const r = await api(broken, 'GET', read, head);
					expect(r.status, read).toBe(500);
					expect(r.body.error).toBe('internal_server_error');
				}
			}
			// The same database still reads and writes (its queue of reads did not stall), and so do
			// the others.
			expect((await api(broken, 'GET', `${DB}/_all_docs?limit=3`, head)).status).toBe(200);
			const write = await api(broken, 'POST', DB, {
				...head,
				body: progressUpdate('oakfield', 'head.oakfield')
			});
			expect(write.status).toBe(201);
			expect((await api(broken, 'GET', '/trust/_all_docs?include_docs=true', head)).status).toBe(
				200
			);
			expect((await api(broken, 'GET', '/_up')).status).toBe(200);
			expect(broken.proc.exitCode).toBeNull();
			expect(broken.output()).toContain('"level":"error"');
			expect(broken.output()).toContain('TypeError');
		} finally {
			await broken.stop();
		}
		// The backup command reports the failure instead of crashing with a stack trace.
		const backup = spawnSync(
			NODE,
			[CLI, 'backup', 'school-oakfield', path.join(own.dataDir, 'b.ndjson')],
			{ env: { ...process.env, DATA_DIR: own.dataDir }, encoding: 'utf8' }
		);
		expect(backup.status).toBe(1);
		expect(backup.stderr).toMatch(/^error: /);
		expect(backup.stderr).not.toContain('Node.js v');
	});
});
