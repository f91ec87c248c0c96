/**
 * The read-model benchmark's page (bench/read-model.ts builds it with Vite and drives it in
 * Chromium). It uses the app's own modules: PouchDB on IndexedDB as the local truth, the Dexie
 * read model, its projector, the next-steps list query and the repository's writes.
 */
import PouchDB from 'pouchdb-browser';
import Dexie from 'dexie';
import {
	AcademicYear,
	academicYearDocId,
	NextStep,
	nextStepDocId,
	ProgressUpdate,
	progressDocId,
	School,
	schoolDbName,
	schoolDocId,
	schoolRole,
	SCHEMA_VERSION,
	TRUST_DB,
	VisitRecord,
	visitDocId,
	type NextStepStatus
} from '$lib/domain';
import { addProgressUpdate } from '$lib/db/next-steps';
import { Projector, rowFor } from '$lib/db/projector';
import {
	academicYears,
	attentionOf,
	currentYear,
	dueBy,
	nextSteps,
	type NextStepFilter
} from '$lib/db/queries';
import { openReadModel, readModelName } from '$lib/db/read-model';
import { stepProgressRow } from '$lib/db/step-progress';
import type { WriteContext } from '$lib/db/repository';

const USER = 'bench-sil';
const YEAR = '2026-27';
const SCHOOLS = ['ashcombe', 'hawthorn', 'kingsmead', 'oakfield', 'st-aidans', 'willow-bank'];
const TERMS: [string, string][] = [
	['2026-09-02', '2026-10-23'],
	['2026-11-02', '2026-12-18'],
	['2027-01-05', '2027-02-12'],
	['2027-02-22', '2027-03-26'],
	['2027-04-12', '2027-05-28'],
	['2027-06-07', '2027-07-21']
];
const WORDS = [
	'phonics',
	'reading',
	'writing',
	'maths',
	'attendance',
	'governors',
	'SEND',
	'curriculum',
	'assessment',
	'behaviour',
	'vocabulary',
	'feedback'
];

const dbs = new Map<string, PouchDB.Database>();
const dbFor = (db: string) => {
	let found = dbs.get(db);
	if (!found) {
		found = new PouchDB(`si:${USER}:${db}`, { revs_limit: 1000, auto_compaction: true });
		dbs.set(db, found);
	}
	return found;
};
const ctx: WriteContext = {
	user: { name: USER, roles: ['sil', ...SCHOOLS.map(schoolRole)] },
	dbFor
};

/** A small deterministic random source, so every run writes the same documents. */
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
const uuid = () => crypto.randomUUID();
const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');

function visit(schoolId: string, term: number, date: string): VisitRecord {
	return VisitRecord.parse({
		_id: visitDocId(YEAR, term, uuid()),
		schemaVersion: SCHEMA_VERSION,
		type: 'visit',
		schoolId,
		year: YEAR,
		term,
		date,
		visitor: USER,
		status: pick(['draft', 'shared', 'confirmed']),
		attendees: [
			{ name: 'Headteacher', role: 'Headteacher' },
			{ name: 'SIL', role: 'School improvement lead' }
		],
		focus: `Focus on ${sentence(6)}`,
		documents: ['School development plan', 'Attendance summary', 'Pupil premium strategy'].map(
			(label, i) => ({ label, seen: i < 2 })
		),
		activities: ['Learning walk', 'Book look', 'Pupil voice'].map((label, i) => ({
			label,
			done: i < 2
		})),
		discussion: [1, 2].map(() => ({
			area: pick(['Curriculum and teaching', 'Attendance and behaviour', 'Leadership']),
			evidence: `Evidence: ${sentence(25)}`,
			strengths: `Strengths: ${sentence(20)}`,
			development: `Development: ${sentence(20)}`
		})),
		frameworkId: 'ofsted-2025',
		evaluations: [
			{ areaId: 'curriculum-teaching', gradeId: 'expected', comment: '' },
			{ areaId: 'achievement', gradeId: 'expected', comment: '' }
		],
		safeguarding: 'met',
		daysUsed: 1,
		addenda: [],
		createdAt: `${date}T08:45:00.000Z`,
		updatedAt: `${date}T16:30:00.000Z`
	});
}

/**
 * Writes `total` documents across the school databases (visits, next steps and their progress
 * updates, in the proportions of a busy trust) plus the trust database's registry and year.
 */
async function seedData(total: number): Promise<{ docs: number; ms: number }> {
	const t0 = performance.now();
	const trust: object[] = [
		AcademicYear.parse({
			_id: academicYearDocId(YEAR),
			schemaVersion: SCHEMA_VERSION,
			type: 'academic-year',
			year: YEAR,
			terms: TERMS.map(([start, end], i) => ({ term: i + 1, name: `Term ${i + 1}`, start, end }))
		}),
		...SCHOOLS.map((id) =>
			School.parse({
				_id: schoolDocId(id),
				schemaVersion: SCHEMA_VERSION,
				type: 'school',
				id,
				name: `${id} Primary School`,
				phase: 'primary',
				category: pick(['1', '2a', '2b', '3', '4']),
				strand: 'preventative'
			})
		)
	];
	await dbFor(TRUST_DB).bulkDocs(trust);
	let written = trust.length;
	// Per school: about 4% visits, 34% next steps, 62% progress updates.
	const perSchool = Math.ceil((total - written) / SCHOOLS.length);
	for (const schoolId of SCHOOLS) {
		const docs: object[] = [];
		const visits = Array.from({ length: Math.round(perSchool * 0.04) }, (_, i) => {
			const term = (i % 6) + 1;
			return visit(schoolId, term, TERMS[term - 1]![0]);
		});
		docs.push(...visits);
		while (docs.length < perSchool && written + docs.length < total) {
			const from = pick(visits);
			const dueTerm = 1 + Math.floor(rand() * 6);
			const step = NextStep.parse({
				_id: nextStepDocId(YEAR, uuid()),
				schemaVersion: SCHEMA_VERSION,
				type: 'next-step',
				schoolId,
				year: YEAR,
				visitId: from._id,
				areaId: 'curriculum-teaching',
				action: `${pick(['Introduce', 'Review', 'Agree', 'Train staff in', 'Monitor'])} ${sentence(10)}`,
				owner: pick(['Headteacher', 'Deputy headteacher', 'English lead', 'Maths lead', 'SENCo']),
				...(rand() < 0.5 ? { dueTerm } : { dueDate: TERMS[dueTerm - 1]![1] }),
				successCriteria: `Seen in ${sentence(8)}`,
				createdBy: USER,
				createdAt: `${from.date}T16:00:00.000Z`
			});
			docs.push(step);
			const updates = Math.floor(rand() * 4);
			for (let u = 0; u < updates && docs.length < perSchool; u++) {
				const at = `2026-${String(10 + u).padStart(2, '0')}-0${1 + u}T15:00:00.000Z`;
				const status: NextStepStatus = u === updates - 1 && rand() < 0.3 ? 'done' : 'in-progress';
				docs.push(
					ProgressUpdate.parse({
						_id: progressDocId(step._id, at, uuid().slice(0, 8)),
						schemaVersion: SCHEMA_VERSION,
						type: 'progress-update',
						schoolId,
						nextStepId: step._id,
						status,
						note: `Update: ${sentence(15)}`,
						...(status === 'done' ? { evidence: `Evidence: ${sentence(6)}` } : {}),
						by: 'head',
						at
					})
				);
			}
		}
		for (let i = 0; i < docs.length; i += 500) {
			await dbFor(schoolDbName(schoolId)).bulkDocs(docs.slice(i, i + 500));
		}
		written += docs.length;
	}
	return { docs: written, ms: performance.now() - t0 };
}

const allDbs = () => [TRUST_DB, ...SCHOOLS.map(schoolDbName)];
let rm = openReadModel(USER);
let projector = new Projector(rm, dbFor);

/**
 * IndexedDB requests made, by kind, to count a build's work whatever the machine's load: every
 * call on an object store, index or cursor, and every transaction, PouchDB's and Dexie's alike.
 */
const requests: Record<string, number> = {};
for (const [name, proto] of [
	['store', IDBObjectStore.prototype],
	['index', IDBIndex.prototype],
	['cursor', IDBCursor.prototype],
	['db', IDBDatabase.prototype]
] as const) {
	for (const method of Object.getOwnPropertyNames(proto)) {
		const f = Object.getOwnPropertyDescriptor(proto, method)?.value as unknown;
		if (typeof f !== 'function' || method === 'constructor' || method === 'close') continue;
		if (['index', 'objectStore', 'createIndex', 'createObjectStore'].includes(method)) continue;
		Object.defineProperty(proto, method, {
			value: function (this: unknown, ...args: unknown[]) {
				const kind = `${name}.${method}`;
				requests[kind] = (requests[kind] ?? 0) + 1;
				return (f as (...a: unknown[]) => unknown).apply(this, args);
			}
		});
	}
}

/** Throw the read model away (the whole IndexedDB database) and build it from PouchDB. */
async function buildReadModel(): Promise<{
	ms: number;
	rows: Record<string, number>;
	requests: Record<string, number>;
}> {
	projector.stop();
	rm.close();
	await Dexie.delete(readModelName(USER));
	rm = openReadModel(USER);
	projector = new Projector(rm, dbFor);
	for (const kind of Object.keys(requests)) delete requests[kind];
	const t0 = performance.now();
	// As the app opens its databases (src/lib/state/workspace.svelte.ts).
	projector.expect(allDbs());
	for (const db of allDbs()) await projector.follow(db);
	const ms = performance.now() - t0;
	const counted = { ...requests };
	const rows: Record<string, number> = {};
	for (const t of rm.tables) rows[t.name] = await t.count();
	return { ms, rows, requests: counted };
}

const percentile = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const summary = (xs: number[]) => ({
	n: xs.length,
	p50: percentile(xs, 50),
	p95: percentile(xs, 95),
	max: Math.max(...xs)
});

/** The list as the head's home computes it: the query, then attention and order. */
async function listAsShown(filter: NextStepFilter) {
	const [rows, years] = await Promise.all([nextSteps(rm, filter), academicYears(rm)]);
	const now = '2027-01-20';
	const year = currentYear(years, now);
	return rows
		.map((row) => ({ row, attention: attentionOf(row, now, year), due: dueBy(row, year) }))
		.sort((a, b) => (a.due || '9').localeCompare(b.due || '9'));
}

/** Times of the next-steps list query over every school with a mix of filters. */
async function queryTimes(iterations: number) {
	const filters: NextStepFilter[] = [];
	for (const schoolId of SCHOOLS) {
		filters.push({ schoolId });
		filters.push({ schoolId, status: 'in-progress' });
		filters.push({ schoolId, status: 'open' });
		filters.push({ schoolId, search: 'phonics' });
		filters.push({ schoolId, status: 'in-progress', search: 'maths lead' });
	}
	for (const f of filters) await listAsShown(f); // warm up
	const query: number[] = [];
	const list: number[] = [];
	let rows = 0;
	for (let i = 0; i < iterations; i++) {
		const f = filters[i % filters.length]!;
		let t0 = performance.now();
		const r = await nextSteps(rm, f);
		query.push(performance.now() - t0);
		rows += r.length;
		t0 = performance.now();
		await listAsShown(f);
		list.push(performance.now() - t0);
	}
	return { query: summary(query), list: summary(list), meanRows: rows / iterations };
}

/**
 * Edits through the repository (a head's progress update: validated, then written to PouchDB,
 * whose write resolves when the IndexedDB transaction has committed), one after another; and
 * the time until each edit is also in the read model that screens read.
 */
async function editTimes(edits: number) {
	const steps = (await nextSteps(rm, { schoolId: SCHOOLS[0]! })).slice(0, edits);
	const toDisk: number[] = [];
	const toReadModel: number[] = [];
	for (let i = 0; i < edits; i++) {
		const step = steps[i % steps.length]!;
		const t0 = performance.now();
		const doc = await addProgressUpdate(ctx, {
			schoolId: step.schoolId,
			nextStepId: step._id,
			status: 'in-progress',
			note: `Benchmark edit ${i}: ${sentence(12)}`
		});
		toDisk.push(performance.now() - t0);
		while (!(await rm.stepProgress.get(step._id))?.ids.includes(doc._id)) {
			await new Promise((r) => setTimeout(r, 0));
		}
		toReadModel.push(performance.now() - t0);
	}
	return { toDisk: summary(toDisk), toReadModel: summary(toReadModel) };
}

async function storage() {
	const e = await navigator.storage.estimate();
	return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
}

/**
 * Where a build's time goes, each part alone (issue 17): reading every database through the
 * changes feed or allDocs, parsing the rows, and writing them to an empty Dexie database.
 */
async function split(): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	const time = async (name: string, f: () => unknown) => {
		const t0 = performance.now();
		await f();
		out[name] = Math.round(performance.now() - t0);
	};
	type Doc = NonNullable<Parameters<typeof rowFor>[1]>;
	const docs: [string, Doc][] = [];
	for (const batch of [2000, 10000]) {
		await time(`changes feed, batches of ${batch}`, async () => {
			for (const db of allDbs()) {
				let since: string | number = 0;
				for (;;) {
					const res: PouchDB.Core.ChangesResponse<object> = await dbFor(db).changes({
						since,
						limit: batch,
						include_docs: true,
						conflicts: true
					});
					if (!res.results.length) break;
					since = res.last_seq;
				}
			}
		});
	}
	for (const page of [2000, 10000, 0]) {
		await time(`allDocs, pages of ${page || 'all'}`, async () => {
			docs.length = 0;
			for (const db of allDbs()) {
				let startkey: string | undefined;
				for (;;) {
					const res = await dbFor(db).allDocs({
						include_docs: true,
						conflicts: true,
						...(page ? { limit: page + (startkey ? 1 : 0) } : {}),
						...(startkey ? { startkey } : {})
					});
					const rows = startkey ? res.rows.slice(1) : res.rows;
					for (const r of rows) docs.push([db, r.doc as unknown as Doc]);
					if (!page || rows.length < page) break;
					startkey = rows[rows.length - 1]!.id;
				}
			}
		});
	}
	// A school's next steps' progress updates, as the reports read them: one row per next step.
	if (!(await rm.nextSteps.count())) await buildReadModel();
	const ids = (await rm.nextSteps.toArray())
		.filter((r) => r.schoolId === SCHOOLS[5])
		.map((r) => r._id)
		.sort();
	await time(`progress on ${ids.length} next steps, bulkGet of their rows`, () =>
		rm.stepProgress.bulkGet(ids)
	);
	const rows: [string, string, Record<string, unknown>][] = [];
	await time(`rowFor (zod) over ${docs.length} docs`, () => {
		for (const [db, doc] of docs) {
			const r = rowFor(db, doc);
			if (r) rows.push(r);
		}
	});
	await time('structuredClone of the rows', () => {
		for (const r of rows) structuredClone(r[2]);
	});
	await time('raw IndexedDB getAll of by-sequence and document-store', async () => {
		for (const db of allDbs()) {
			const idb = await new Promise<IDBDatabase>((res, rej) => {
				const r = indexedDB.open(`_pouch_si:${USER}:${db}`);
				r.onsuccess = () => res(r.result);
				r.onerror = () => rej(r.error);
			});
			const tx = idb.transaction(['by-sequence', 'document-store'], 'readonly');
			await Promise.all(
				['by-sequence', 'document-store'].map(
					(s) =>
						new Promise((res) => {
							tx.objectStore(s).getAll().onsuccess = (e) => res((e.target as IDBRequest).result);
						})
				)
			);
			idb.close();
		}
	});
	for (const [label, durability, small] of [
		['relaxed durability', 'relaxed', false],
		['tiny values', 'default', true]
	] as const) {
		await time(`raw IndexedDB put of the rows, one transaction, no indexes, ${label}`, async () => {
			await new Promise((r) => (indexedDB.deleteDatabase('raw').onsuccess = r));
			const idb = await new Promise<IDBDatabase>((res) => {
				const r = indexedDB.open('raw', 1);
				r.onupgradeneeded = () => {
					for (const t of new Set(rows.map((x) => x[0]))) r.result.createObjectStore(t);
				};
				r.onsuccess = () => res(r.result);
			});
			const tx = idb.transaction([...new Set(rows.map((x) => x[0]))], 'readwrite', { durability });
			for (const [t, k, row] of rows) tx.objectStore(t).put(small ? { k } : row, k);
			await new Promise((r) => (tx.oncomplete = r));
			idb.close();
		});
	}
	for (const indexed of [false, true]) {
		await time(
			`raw IndexedDB put of the rows, one transaction, ${indexed ? 'with' : 'no'} indexes`,
			async () => {
				await new Promise((r) => (indexedDB.deleteDatabase('raw').onsuccess = r));
				const idb = await new Promise<IDBDatabase>((res) => {
					const r = indexedDB.open('raw', 1);
					r.onupgradeneeded = () => {
						for (const t of new Set(rows.map((x) => x[0]))) {
							const s = r.result.createObjectStore(t);
							if (indexed && t === 'nextSteps') {
								s.createIndex('a', ['schoolId', 'status', 'dueDate']);
								s.createIndex('b', ['schoolId', 'dueDate']);
								s.createIndex('c', 'visitId');
								s.createIndex('d', 'status');
							}
							if (indexed && t === 'progress') {
								s.createIndex('a', 'nextStepId');
								s.createIndex('b', ['nextStepId', 'at']);
							}
						}
					};
					r.onsuccess = () => res(r.result);
				});
				const tx = idb.transaction([...new Set(rows.map((x) => x[0]))], 'readwrite');
				for (const [t, k, row] of rows) tx.objectStore(t).put(row, k);
				await new Promise((r) => (tx.oncomplete = r));
				idb.close();
			}
		);
	}
	const byTable = new Map<string, Record<string, unknown>[]>();
	const updates = new Map<string, ProgressUpdate[]>();
	for (const [t, , row] of rows) {
		if (t !== 'progress') byTable.set(t, [...(byTable.get(t) ?? []), row]);
		else {
			const u = row.doc as ProgressUpdate;
			updates.set(u.nextStepId, [...(updates.get(u.nextStepId) ?? []), u]);
		}
	}
	byTable.set(
		'stepProgress',
		[...updates].map(([step, us]) => ({ ...stepProgressRow(step, us) }))
	);
	projector.stop();
	for (const chunk of [2000, 100000]) {
		rm.close();
		await Dexie.delete(readModelName('split'));
		const empty = openReadModel('split');
		await empty.open();
		await time(`Dexie bulkPut, transactions of ${chunk}`, async () => {
			for (const [t, all] of byTable) {
				for (let i = 0; i < all.length; i += chunk) {
					await empty.transaction('rw', empty.table(t), () =>
						empty.table(t).bulkPut(all.slice(i, i + chunk))
					);
				}
			}
		});
		empty.close();
		await Dexie.delete(readModelName('split'));
		rm = openReadModel(USER);
	}
	projector = new Projector(rm, dbFor);
	return out;
}

const api = { seedData, split, buildReadModel, queryTimes, editTimes, storage };
(window as unknown as { bench: typeof api }).bench = api;
document.body.dataset.ready = 'true';
