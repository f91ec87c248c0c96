import { keyBookletRow } from './key-booklets';
import { updateSummaries } from './school-summaries';
import { schoolIdFromDbName } from '$lib/domain/databases';
import {
	AcademicYear,
	AttainmentBooklet,
	AttainmentFramework,
	Concern,
	EvaluationFramework,
	ExternalReview,
	LearningWalk,
	NextStep,
	PeopleDirectory,
	ProgressUpdate,
	School,
	SchoolOverview,
	TrustSettings,
	VisitCalendar,
	VisitRecord,
	VulnerableMark,
	withItemIds
} from '$lib/domain';
import type { z } from 'zod';
import type { NextStepRow, ProgressRow, ReadModel, VisitRow } from './read-model';
import { latestUpdate, stepProgressRow } from './step-progress';
import { readSnapshot, type SnapshotChange } from './pouch-snapshot';

type Change = {
	id: string;
	seq: string | number;
	deleted?: boolean;
	doc?: { _id: string; _rev: string; _conflicts?: string[]; type?: unknown } & Record<
		string,
		unknown
	>;
};

const TRUST_TYPES = {
	'trust-settings': TrustSettings,
	'academic-year': AcademicYear,
	'visit-calendar': VisitCalendar,
	'evaluation-framework': EvaluationFramework,
	'attainment-framework': AttainmentFramework,
	people: PeopleDirectory
} as const;

// Catching up reads this many changes per transaction: fewer, larger IndexedDB transactions are
// what makes a rebuild fast (a transaction costs far more than the rows in it).
const BATCH = 2000;

function parse<T extends z.ZodType>(schema: T, doc: unknown): z.infer<T> | null {
	const result = schema.safeParse(doc);
	if (result.success) return result.data;
	// The document stays safe in PouchDB; it is only left out of the screens.
	console.warn('Read model skipped a document that does not match its schema', result.error);
	return null;
}

type Row = Record<string, unknown>;
type TableName =
	| 'schools'
	| 'visits'
	| 'nextSteps'
	| 'progress'
	| 'walks'
	| 'trustDocs'
	| 'attainment'
	| 'keyBooklets'
	| 'overviews'
	| 'marks'
	| 'concerns'
	| 'reviews'
	| 'conflicts'
	| 'choices';

/**
 * The writes of one batch of changes, collected in memory and applied with a few bulk operations:
 * one or two IndexedDB round trips per table instead of several per document. The last write to a
 * key in the batch wins, as it would one by one.
 */
class BatchWrites {
	readonly puts = new Map<TableName, Map<string, Row>>();
	readonly deletes = new Map<TableName, Set<string>>();

	put(table: TableName, key: string, row: Row): void {
		this.deletes.get(table)?.delete(key);
		if (!this.puts.has(table)) this.puts.set(table, new Map());
		this.puts.get(table)!.set(key, row);
	}

	delete(table: TableName, key: string): void {
		this.puts.get(table)?.delete(key);
		if (!this.deletes.has(table)) this.deletes.set(table, new Set());
		this.deletes.get(table)!.add(key);
	}
}

/** Where a document's row goes in the read model, or null if no screen reads it. */
export function rowFor(
	db: string,
	doc: NonNullable<Change['doc']>
): [TableName, string, Row] | null {
	const conflicted = doc._conflicts && doc._conflicts.length > 0 ? 1 : 0;
	const type = String(doc.type ?? '');
	if (type === 'school') {
		const school = parse(School, doc);
		return school
			? ['schools', school.id, { id: school.id, name: school.name, doc: school }]
			: null;
	}
	if (type in TRUST_TYPES) {
		const parsed = parse(TRUST_TYPES[type as keyof typeof TRUST_TYPES], doc);
		return parsed ? ['trustDocs', parsed._id, { _id: parsed._id, type, doc: parsed }] : null;
	}
	if (type === 'visit') {
		// Migrated before the schema trims any text, as every save migrates the latest revision,
		// so that the forms and the saves give a legacy item the same id.
		const v = parse(VisitRecord, withItemIds(doc));
		if (!v) return null;
		const row = { _id: v._id, schoolId: v.schoolId, year: v.year, term: v.term, date: v.date };
		return ['visits', v._id, { ...row, status: v.status, doc: v, conflicted }];
	}
	if (type === 'next-step') {
		const n = parse(NextStep, doc);
		if (!n) return null;
		return [
			'nextSteps',
			n._id,
			{
				_id: n._id,
				schoolId: n.schoolId,
				year: n.year,
				visitId: n.visitId ?? '',
				// Filled in from the progress updates once the batch is known.
				status: 'open',
				dueDate: n.dueDate ?? '',
				updatedAt: n.createdAt,
				doc: n,
				conflicted
			}
		];
	}
	if (type === 'progress-update') {
		const p = parse(ProgressUpdate, doc);
		if (!p) return null;
		const row = { _id: p._id, nextStepId: p.nextStepId, schoolId: p.schoolId, at: p.at, doc: p };
		return ['progress', p._id, row];
	}
	if (type === 'attainment-booklet') {
		const b = parse(AttainmentBooklet, doc);
		if (!b) return null;
		const key = `${b.schoolId}/${b.year}`;
		return ['attainment', key, { key, schoolId: b.schoolId, year: b.year, doc: b, conflicted }];
	}
	if (type === 'school-overview') {
		const o = parse(SchoolOverview, doc);
		if (!o) return null;
		const key = `${o.schoolId}/${o._id.slice('overview:'.length)}`;
		return [
			'overviews',
			key,
			{ key, schoolId: o.schoolId, year: o.year, term: o.term, doc: o, conflicted }
		];
	}
	if (type === 'vulnerable-mark') {
		const m = parse(VulnerableMark, doc);
		if (!m) return null;
		const key = `${m.schoolId}/${m._id}`;
		return ['marks', key, { key, schoolId: m.schoolId, doc: m, conflicted }];
	}
	if (type === 'concern') {
		const c = parse(Concern, doc);
		if (!c) return null;
		const open = c.closed ? 0 : 1;
		const row = { _id: c._id, schoolId: c.schoolId, open, raisedOn: c.raisedOn, doc: c };
		return ['concerns', c._id, { ...row, conflicted }];
	}
	if (type === 'external-review') {
		const r = parse(ExternalReview, doc);
		if (!r) return null;
		const key = `${r.schoolId}/${r._id}`;
		return ['reviews', key, { key, schoolId: r.schoolId, on: r.on, doc: r, conflicted }];
	}
	if (type === 'learning-walk') {
		const w = parse(LearningWalk, doc);
		if (!w) return null;
		const row = { _id: w._id, visitId: w.visitId, schoolId: w.schoolId, doc: w, conflicted };
		return ['walks', w._id, row];
	}
	return null;
}

/** Every row a deleted document may have left, whatever its type was. */
function deleteEverywhere(writes: BatchWrites, db: string, id: string): void {
	for (const table of [
		'visits',
		'nextSteps',
		'progress',
		'walks',
		'trustDocs',
		'concerns'
	] as const) {
		writes.delete(table, id);
	}
	const school = db.slice('school-'.length);
	if (id.startsWith('attainment:')) {
		const key = `${school}/${id.slice('attainment:'.length)}`;
		writes.delete('attainment', key);
		writes.delete('keyBooklets', key);
	}
	if (id.startsWith('overview:')) {
		writes.delete('overviews', `${school}/${id.slice('overview:'.length)}`);
	}
	if (id.startsWith('vulnerable:')) writes.delete('marks', `${school}/${id}`);
	if (id.startsWith('review:')) writes.delete('reviews', `${school}/${id}`);
	if (id.startsWith('school:')) writes.delete('schools', id.slice('school:'.length));
	writes.delete('conflicts', `${db}/${id}`);
	writes.delete('choices', `${db}/${id}`);
}

/** A new token for a school's next steps, so cached lists know they are out of date. */
const nextStepsVersion = (schoolId: string) => ({
	key: `next-steps:${schoolId}`,
	token: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
});

/**
 * The rows a batch of changes writes, collected in memory, with the ids of the deleted documents.
 * Conflicts and choices are rare: only rows that exist are deleted, rather than asking IndexedDB
 * to delete a key for every document in the batch (half a rebuild's time).
 */
async function collect(
	rm: ReadModel,
	db: string,
	changes: Change[]
): Promise<{ writes: BatchWrites; deleted: string[] }> {
	const writes = new BatchWrites();
	const deleted: string[] = [];
	const [conflictKeys, choiceKeys] = await Promise.all([
		rm.conflicts.where('db').equals(db).primaryKeys(),
		rm.choices.where('db').equals(db).primaryKeys()
	]);
	const listed = { conflicts: new Set(conflictKeys), choices: new Set(choiceKeys) };
	const unlist = (table: 'conflicts' | 'choices', key: string) => {
		if (listed[table].has(key)) writes.delete(table, key);
	};
	for (const change of changes) {
		const doc = change.doc;
		if (change.id.startsWith('_design/')) continue;
		if (change.deleted || !doc) {
			deleted.push(change.id);
			deleteEverywhere(writes, db, change.id);
			continue;
		}
		const conflictKey = `${db}/${doc._id}`;
		if (doc._conflicts && doc._conflicts.length > 0) {
			writes.put('conflicts', conflictKey, {
				key: conflictKey,
				db,
				docId: doc._id,
				type: String(doc.type ?? ''),
				revs: [doc._rev, ...doc._conflicts]
			});
		} else {
			unlist('conflicts', conflictKey);
		}
		const choices = Array.isArray(doc.choices) ? doc.choices.length : 0;
		if (choices > 0) {
			writes.put('choices', conflictKey, {
				key: conflictKey,
				db,
				docId: doc._id,
				type: String(doc.type ?? ''),
				count: choices,
				doc
			});
		} else {
			unlist('choices', conflictKey);
		}
		const target = rowFor(db, doc);
		if (target) writes.put(...target);
		// A booklet's key figures go beside it (`keyBooklet`), for the dashboard.
		if (target?.[0] === 'attainment') {
			const row = target[2] as unknown as Parameters<typeof keyBookletRow>[0];
			writes.put('keyBooklets', target[1], { ...keyBookletRow(row) });
		}
	}
	return { writes, deleted };
}

/**
 * Every write but the next steps', which wait for their status, and the progress updates', which
 * are kept by next step (`stepProgress`).
 */
async function store(rm: ReadModel, writes: BatchWrites): Promise<void> {
	for (const [table, keys] of writes.deletes) {
		if (table !== 'progress' && keys.size) await rm.table(table).bulkDelete([...keys]);
	}
	for (const [table, rows] of writes.puts) {
		if (table !== 'nextSteps' && table !== 'progress' && rows.size) {
			await rm.table(table).bulkPut([...rows.values()]);
		}
	}
}

const withStatus = (row: NextStepRow, updates: readonly ProgressUpdate[] = []): NextStepRow => {
	const latest = latestUpdate(updates);
	return { ...row, status: latest?.status ?? 'open', updatedAt: latest?.at ?? row.doc.createdAt };
};

/** Write each next step's row of progress updates, or delete it when none is left. */
async function putStepProgress(
	rm: ReadModel,
	rows: Map<string, ProgressUpdate[]>,
	keys: Iterable<string>
): Promise<void> {
	const puts = [];
	const gone = [];
	for (const step of keys) {
		const updates = rows.get(step) ?? [];
		if (updates.length) puts.push(stepProgressRow(step, updates));
		else gone.push(step);
	}
	if (gone.length) await rm.stepProgress.bulkDelete(gone);
	if (puts.length) await rm.stepProgress.bulkPut(puts);
}

/**
 * A batch's progress updates into their next steps' rows, and the deleted ones out: the
 * updates of every row that changed, by next step.
 */
async function storeProgress(
	rm: ReadModel,
	added: Iterable<ProgressRow>,
	removed: string[]
): Promise<Map<string, ProgressUpdate[]>> {
	const changed = new Map<string, ProgressUpdate[]>();
	const adding = [...added];
	if (!adding.length && !removed.length) return changed;
	// A row holding an update that is deleted or comes again (updates are never changed, so
	// normally none): found through the index of its ids.
	const gone = new Set([...removed, ...adding.map((p) => p._id)]);
	for (const row of await rm.stepProgress
		.where('ids')
		.anyOf([...gone])
		.toArray()) {
		changed.set(
			row.nextStepId,
			row.updates.filter((u) => !gone.has(u._id))
		);
	}
	const steps = [...new Set(adding.map((p) => p.nextStepId))].filter((s) => !changed.has(s));
	const stored = await rm.stepProgress.bulkGet(steps);
	steps.forEach((step, i) => changed.set(step, stored[i]?.updates ?? []));
	for (const p of adding) changed.get(p.nextStepId)!.push(p.doc);
	await putStepProgress(rm, changed, changed.keys());
	return changed;
}

/**
 * Give these next steps (those in the batch, and the ids of others whose progress changed) the
 * status of their latest progress update, and write them. `progress` holds the updates of the
 * rows a batch changed; the others are read.
 */
async function putWithStatus(
	rm: ReadModel,
	inBatch: Map<string, Row>,
	others: Iterable<string>,
	progress: Map<string, ProgressUpdate[]>
): Promise<NextStepRow[]> {
	const stored = await rm.nextSteps.bulkGet([...others].filter((id) => !inBatch.has(id)));
	const rows = new Map<string, NextStepRow>();
	for (const row of stored) if (row) rows.set(row._id, row);
	for (const [id, row] of inBatch) rows.set(id, row as unknown as NextStepRow);
	const unread = [...rows.keys()].filter((id) => !progress.has(id));
	const read = await rm.stepProgress.bulkGet(unread);
	const updates = new Map(progress);
	unread.forEach((id, i) => updates.set(id, read[i]?.updates ?? []));
	const updated = [...rows.values()].map((row) => withStatus(row, updates.get(row._id)));
	await rm.nextSteps.bulkPut(updated);
	return updated;
}

/** Apply a batch of changes and move the checkpoint in one transaction: never one without the other. */
export async function applyChanges(
	rm: ReadModel,
	db: string,
	changes: Change[],
	lastSeq: string | number
): Promise<void> {
	await rm.transaction('rw', rm.tables, async () => {
		const { writes, deleted } = await collect(rm, db, changes);
		const added = (writes.puts.get('progress')?.values() ?? []) as Iterable<ProgressRow>;
		const progress = await storeProgress(rm, added, deleted);

		// Next steps whose status may change: those in the batch, and those whose progress did.
		const touched = new Set<string>(progress.keys());
		for (const row of writes.puts.get('nextSteps')?.values() ?? []) touched.add(row._id as string);
		const deletedNextSteps = deleted.length ? await rm.nextSteps.bulkGet(deleted) : [];

		await store(rm, writes);
		const visits = writes.puts.get('visits')?.values() as Iterable<VisitRow> | undefined;
		let updated: NextStepRow[] = [];

		if (touched.size > 0) {
			const inBatch = writes.puts.get('nextSteps') ?? new Map<string, Row>();
			updated = await putWithStatus(rm, inBatch, touched, progress);
			const schools = new Set(updated.map((r) => r.schoolId));
			for (const r of deletedNextSteps) if (r) schools.add(r.schoolId);
			await rm.versions.bulkPut([...schools].map(nextStepsVersion));
		} else if (deletedNextSteps.some(Boolean)) {
			const schools = new Set(deletedNextSteps.flatMap((r) => (r ? [r.schoolId] : [])));
			await rm.versions.bulkPut([...schools].map(nextStepsVersion));
		}
		// Each school's summary for the dashboard (`school-summaries.ts`).
		await updateSummaries(rm, db, { visits, steps: updated, deleted });
		await rm.checkpoints.put({ db, seq: lastSeq });
	});
}

/**
 * What a projector knows of the read model's rows of progress updates: the rows its own first
 * loads wrote or read, while no later change touched them, and the row of each of their updates.
 * A rebuild's later databases then need not read the rows the earlier ones wrote.
 */
class KnownProgress {
	readonly rows = new Set<string>();
	readonly stepOf = new Map<string, string>();

	/** A change from the live feed: the rows it may touch are no longer known. */
	forget(change: Change): void {
		const step = this.stepOf.get(change.id);
		if (step !== undefined) this.rows.delete(step);
		if (change.doc?.type === 'progress-update') this.rows.delete(String(change.doc.nextStepId));
	}

	clear(): void {
		this.rows.clear();
		this.stepOf.clear();
	}
}

/**
 * A database read from the start (no checkpoint yet: a new device, a rebuild, a new read model
 * version). Each batch's rows are written as they come, but the next steps and the progress
 * updates wait in memory until the last batch, when every update of the database has been seen:
 * each next step's row of updates is then written once, and its status worked out here. No
 * checkpoint is written until then, so a load cut short starts again.
 */
class FirstLoad {
	readonly nextSteps = new Map<string, Row>();
	/** Every progress update this load read and did not see deleted. */
	readonly progress = new Map<string, ProgressUpdate>();
	/** Documents deleted in this database: rows written before may hold them. */
	readonly deleted = new Set<string>();
	readonly schools = new Set<string>();
	private readonly rm: ReadModel;
	private readonly db: string;
	private readonly known: KnownProgress;

	constructor(rm: ReadModel, db: string, known: KnownProgress) {
		this.rm = rm;
		this.db = db;
		this.known = known;
	}

	/** One batch of changes, in one transaction. */
	async apply(changes: Change[]): Promise<void> {
		const rm = this.rm;
		await rm.transaction('rw', rm.tables, async () => {
			const { writes, deleted } = await collect(rm, this.db, changes);
			if (deleted.length) {
				for (const r of await rm.nextSteps.bulkGet(deleted)) if (r) this.schools.add(r.schoolId);
				for (const id of deleted) {
					const step = this.nextSteps.get(id);
					if (step) this.schools.add(step.schoolId as string);
					this.nextSteps.delete(id);
					this.progress.delete(id);
					this.deleted.add(id);
				}
			}
			for (const [id, row] of writes.puts.get('nextSteps') ?? []) this.nextSteps.set(id, row);
			for (const row of writes.puts.get('progress')?.values() ?? []) {
				const p = row as unknown as ProgressRow;
				this.progress.set(p._id, p.doc);
			}
			await store(rm, writes);
			// The next steps' summaries wait for their status, at `finish`.
			const visits = writes.puts.get('visits')?.values() as Iterable<VisitRow> | undefined;
			await updateSummaries(rm, this.db, { visits, deleted });
		});
	}

	/** The rows of progress updates, the next steps with their status, and the checkpoint: the database is loaded. */
	async finish(lastSeq: string | number): Promise<void> {
		const rm = this.rm;
		let rows = new Map<string, ProgressUpdate[]>();
		await rm.transaction('rw', rm.tables, async () => {
			rows = new Map();
			const mine = new Map<string, ProgressUpdate[]>();
			for (const u of this.progress.values()) {
				const list = mine.get(u.nextStepId);
				if (list) list.push(u);
				else mine.set(u.nextStepId, [u]);
			}
			// Rows already in the read model that this load reads or changes: those of its next
			// steps or updates (another database's updates on them), those holding an update it
			// read again or saw deleted, and any this projector does not know. Normally none: one
			// request for the table's keys answers.
			const gone = new Set([...this.deleted, ...this.progress.keys()]);
			const holding = new Set<string>();
			const known = this.known;
			for (const id of gone) {
				const step = known.stepOf.get(id);
				if (step !== undefined) holding.add(step);
			}
			const toRead = ((await rm.stepProgress.toCollection().primaryKeys()) as string[]).filter(
				(k) => !known.rows.has(k) || mine.has(k) || this.nextSteps.has(k) || holding.has(k)
			);
			const changed = new Set(mine.keys());
			for (const row of toRead.length ? await rm.stepProgress.bulkGet(toRead) : []) {
				if (!row) continue;
				const kept = row.updates.filter((u) => !gone.has(u._id));
				if (kept.length < row.updates.length) changed.add(row.nextStepId);
				rows.set(row.nextStepId, kept);
			}
			for (const [step, updates] of mine) rows.set(step, [...(rows.get(step) ?? []), ...updates]);
			await putStepProgress(rm, rows, changed);

			const steps = [...this.nextSteps.values()].map((row) =>
				withStatus(row as unknown as NextStepRow, rows.get(row._id as string))
			);
			// Next steps kept elsewhere whose updates changed (another database's steps).
			const others = [...changed].filter((id) => !this.nextSteps.has(id));
			for (const row of others.length ? await rm.nextSteps.bulkGet(others) : []) {
				if (row) steps.push(withStatus(row, rows.get(row._id)));
			}
			if (steps.length) await rm.nextSteps.bulkPut(steps);
			for (const row of steps) this.schools.add(row.schoolId);
			// Each school's summary for the dashboard, with the next steps' status.
			await updateSummaries(rm, this.db, { steps });
			if (this.schools.size) await rm.versions.bulkPut([...this.schools].map(nextStepsVersion));
			await rm.checkpoints.put({ db: this.db, seq: lastSeq });
		});
		for (const [step, updates] of rows) {
			if (updates.length) this.known.rows.add(step);
			else this.known.rows.delete(step);
			for (const u of updates) this.known.stepOf.set(u._id, step);
		}
	}
}

type ReadFirst = (
	local: PouchDB.Database,
	onChunk: (changes: SnapshotChange[]) => void
) => Promise<{ last_seq: number } | null>;

/**
 * A first read under way: its chunks as they come, `wake` called at each and at the end, `done`
 * the read's end (null: read the changes feed from the start instead).
 */
type FirstRead = {
	chunks: Change[][];
	reading: boolean;
	wake: () => void;
	done: Promise<{ last_seq: number } | null>;
};

/**
 * Keeps the read model up to date with a set of PouchDB databases: catches up from each stored
 * checkpoint in batches, then follows the live changes feed.
 */
export class Projector {
	private feeds = new Map<string, PouchDB.Core.Changes<object>>();
	private queue: Promise<void> = Promise.resolve();
	private readonly rm: ReadModel;
	private readonly dbFor: (db: string) => PouchDB.Database;
	/** The rows of progress updates this projector knows whole (see `KnownProgress`). */
	private readonly known = new KnownProgress();
	/** The databases `expect` was told of, and the first reads started ahead of their turn. */
	private upcoming: string[] = [];
	/** Databases whose `follow` has begun: never read ahead (that read would never be used). */
	private readonly begun = new Set<string>();
	private readonly ahead = new Map<string, Promise<FirstRead | null>>();

	/** A database's changes from the start in one read (see `readSnapshot`), or null to read the changes feed. */
	private readonly readFirst: ReadFirst;
	/** Told of each change the live feed of a followed database brings, as it comes. */
	private readonly onChange: (db: string) => void;
	/** Told of each failure before the database is followed again (see `restart`). */
	private readonly onFailure: (db: string, err: unknown) => void;
	/** How long to wait before the `attempt`th start again of a failed database (from 0). */
	private readonly retryAfter: (attempt: number) => number;
	/** The `follow`s under way, so that a database is never followed twice at once. */
	private readonly following = new Map<string, Promise<void>>();
	/** Databases whose feed failed, with the attempts made to start it again. */
	private readonly failed = new Map<string, number>();
	/** Told when a database's projection falls behind (see `restart`) and when it has caught up. */
	private readonly onBehind: (db: string, behind: boolean) => void;
	/** Databases said to be behind (`onBehind`) and not yet caught up. */
	private readonly behind = new Set<string>();
	/** Moved on by `stop`: what was started before it does not go on after it. */
	private generation = 0;

	/**
	 * `onChange` lets the rest of the app (what is waiting to be sent, the replicator) hear of a
	 * database's changes from this feed instead of opening live feeds of their own: each live feed
	 * reads every change from IndexedDB again, and three per database made a device's work on
	 * 1,000 pulled documents about a quarter slower at 4x CPU throttling (issue 17).
	 */
	constructor(
		rm: ReadModel,
		dbFor: (db: string) => PouchDB.Database,
		opts: {
			readFirst?: ReadFirst;
			onChange?: (db: string) => void;
			onFailure?: (db: string, err: unknown) => void;
			onBehind?: (db: string, behind: boolean) => void;
			retryAfter?: (attempt: number) => number;
		} = {}
	) {
		this.rm = rm;
		this.dbFor = dbFor;
		this.readFirst = opts.readFirst ?? readSnapshot;
		this.onChange = opts.onChange ?? (() => undefined);
		this.onFailure = opts.onFailure ?? (() => undefined);
		this.onBehind = opts.onBehind ?? (() => undefined);
		this.retryAfter = opts.retryAfter ?? ((attempt) => Math.min(1000 * 2 ** attempt, 60_000));
	}

	/** Whether any database is behind (see `onBehind`). */
	get anyBehind(): boolean {
		return this.behind.size > 0;
	}

	/** Bring one database's projection up to date, then follow it live. */
	follow(db: string): Promise<void> {
		if (this.feeds.has(db)) return Promise.resolve();
		let under = this.following.get(db);
		if (!under) {
			const generation = this.generation;
			const again = this.failed.has(db);
			under = this.catchUpAndFollow(db, generation)
				.then(
					// Followed again after a failure: the writes made meanwhile wait to be sent, and the
					// projection has caught up, which ends the run of failures.
					() => {
						if (!again || generation !== this.generation) return;
						this.onChange(db);
						this.failed.delete(db);
						if (this.behind.delete(db)) this.onBehind(db, false);
					},
					(err: unknown) => {
						if (generation === this.generation) this.restart(db, err);
						throw err;
					}
				)
				.finally(() => {
					if (this.following.get(db) === under) this.following.delete(db);
				});
			this.following.set(db, under);
		}
		return under;
	}

	private async catchUpAndFollow(db: string, generation: number): Promise<void> {
		this.begun.add(db);
		const local = this.dbFor(db);
		const checkpoint = await this.rm.checkpoints.get(db);
		let since = checkpoint?.seq ?? 0;
		const load = checkpoint ? null : new FirstLoad(this.rm, db, this.known);
		const read = async (from: string | number) =>
			local.changes({ since: from, limit: BATCH, include_docs: true, conflicts: true });
		// A first load reads the database's stores in one go where it can (see pouch-snapshot.ts):
		// the changes feed reads each document's metadata with a request of its own.
		// Each chunk is written while the next is read. If the read gives way to the feed part way,
		// the feed from the start brings those documents again, which a first load takes.
		if (load) {
			const ahead = this.ahead.get(db);
			this.ahead.delete(db);
			const first = (ahead && (await ahead)) ?? this.readAll(local);
			for (;;) {
				const chunk = first.chunks.shift();
				if (chunk) await load.apply(chunk);
				else if (first.reading) await new Promise<void>((resolve) => (first.wake = resolve));
				else break;
			}
			since = (await first.done)?.last_seq ?? 0;
		}
		// The next batch is read from PouchDB while this one is written to the read model: most of
		// a rebuild is waiting on IndexedDB, and the two waits now overlap.
		let next = read(since);
		for (;;) {
			const res = await next;
			if (res.results.length === 0) break;
			next = read(res.last_seq);
			// A failed read is thrown where it is awaited, not reported as unhandled meanwhile.
			next.catch(() => undefined);
			if (load) await load.apply(res.results as Change[]);
			else await this.apply(db, res.results as Change[], res.last_seq);
			since = res.last_seq;
		}
		// The next database's stores are read while this one's rows are written.
		this.readAhead(db);
		if (load) await load.finish(since);
		// Stopped meanwhile (signed out, or a rebuild began): no feed to leave running.
		if (generation !== this.generation) return;
		const feed = local.changes({
			since,
			live: true,
			include_docs: true,
			conflicts: true,
			return_docs: false
		});
		let pending: Change[] = [];
		const current = () => this.feeds.get(db) === feed;
		void feed.on('change', (change) => {
			if (!current()) return;
			this.onChange(db);
			pending.push(change as unknown as Change);
			if (pending.length > 1) return;
			// Changes that arrive together (a replication batch) are applied in one transaction.
			this.queue = this.queue.then(async () => {
				const batch = pending;
				pending = [];
				const last = batch[batch.length - 1];
				if (!last || !current()) return;
				try {
					await this.apply(db, batch, last.seq);
					this.failed.delete(db);
				} catch (err) {
					if (current()) this.restart(db, err);
				}
			});
		});
		void feed.on('error', (err) => {
			if (current()) this.restart(db, err);
		});
		this.feeds.set(db, feed);
	}

	/**
	 * Reading a database failed, or writing what it brought did (IndexedDB can refuse a transaction:
	 * storage full, a connection the browser closed). Its feed is cancelled and the database
	 * followed again from its checkpoint, which counts only what the read model holds, after a wait
	 * that grows with each failure in a row. Until then nothing from it is lost, only late. A
	 * follow that fails again comes back here (see `follow`).
	 */
	private restart(db: string, err: unknown): void {
		this.feeds.get(db)?.cancel();
		this.feeds.delete(db);
		// What the failed transactions were to write may not be there: know nothing of it.
		this.known.clear();
		const attempt = this.failed.get(db) ?? 0;
		this.failed.set(db, attempt + 1);
		const generation = this.generation;
		const wait = this.retryAfter(attempt);
		console.error(`Read model for ${db} failed; following it again in ${wait} ms`, err);
		// A database whose connection failed is opened again (`dbFor` gives the new one).
		this.onFailure(db, err);
		// Failed again on its first try since: what the screens show from it may be out of date
		// until it catches up. A single failure, caught up a second later, is not worth a notice.
		if (attempt >= 1 && !this.behind.has(db)) {
			this.behind.add(db);
			this.onBehind(db, true);
		}
		setTimeout(() => {
			if (generation !== this.generation || this.feeds.has(db)) return;
			void this.queue.then(() => this.follow(db)).catch(() => undefined);
		}, wait);
	}

	/**
	 * Follow a database again from its checkpoint, on the instance `dbFor` gives now: the one its
	 * feed was opened on has lost its IndexedDB connection (see `forgetBroken` in `pouch.ts`).
	 */
	reopen(db: string): void {
		const feed = this.feeds.get(db);
		if (!feed) return;
		feed.cancel();
		this.feeds.delete(db);
		void this.queue.then(() => this.follow(db)).catch(() => undefined);
	}

	/** A database's first read (see `readFirst`), its chunks kept until they are written. */
	private readAll(local: PouchDB.Database): FirstRead {
		const first: FirstRead = { chunks: [], reading: true, wake: () => {}, done: null! };
		first.done = this.readFirst(local, (changes) => {
			first.chunks.push(changes as Change[]);
			first.wake();
		})
			.catch(() => null)
			.finally(() => {
				first.reading = false;
				first.wake();
			});
		return first;
	}

	/**
	 * The databases about to be followed, in order. While one is written to the read model for the
	 * first time the next one's stores are read (most of a rebuild is waiting on IndexedDB).
	 */
	expect(dbs: string[]): void {
		this.upcoming = [...dbs];
	}

	/** Starts the first read of the database expected after `db`, unless it is loaded already. */
	private readAhead(db: string): void {
		const at = this.upcoming.indexOf(db);
		const next = at < 0 ? undefined : this.upcoming[at + 1];
		if (next === undefined || this.begun.has(next) || this.ahead.has(next)) return;
		this.ahead.set(
			next,
			this.rm.checkpoints
				.get(next)
				.then((checkpoint) => (checkpoint ? null : this.readAll(this.dbFor(next))))
				.catch(() => null)
		);
	}

	/** A batch of changes from a database already loaded; what it writes is no longer known. */
	private apply(db: string, changes: Change[], lastSeq: string | number): Promise<void> {
		for (const change of changes) this.known.forget(change);
		return applyChanges(this.rm, db, changes, lastSeq);
	}

	/** Resolves once every change received so far is in the read model. */
	settled(): Promise<void> {
		return this.queue;
	}

	stop(): void {
		this.generation++;
		for (const feed of this.feeds.values()) feed.cancel();
		this.feeds.clear();
		this.following.clear();
		this.failed.clear();
		// No longer followed, so no longer said to be behind (a rebuild says so again if need be).
		const were = [...this.behind];
		this.behind.clear();
		for (const db of were) this.onBehind(db, false);
		this.ahead.clear();
		this.begun.clear();
		this.upcoming = [];
	}

	/**
	 * Stop following a database and take out of the read model every row it put there (a school an
	 * administrator took away from this person): each of its documents is applied as deleted, as
	 * its deletion would be, so the lists, summaries and next steps' rows are what they would be had
	 * the database never been on the device; then its checkpoint goes. The other databases' rows
	 * and feeds are untouched. Call it before the local database is destroyed.
	 */
	async drop(db: string): Promise<void> {
		this.upcoming = this.upcoming.filter((d) => d !== db);
		this.ahead.delete(db);
		// A follow under way ends first, so that it leaves no feed behind.
		await this.following.get(db)?.catch(() => undefined);
		this.feeds.get(db)?.cancel();
		this.feeds.delete(db);
		this.failed.delete(db);
		this.begun.delete(db);
		if (this.behind.delete(db)) this.onBehind(db, false);
		const { rows } = await this.dbFor(db).allDocs();
		const gone = rows.map((r): Change => ({ id: r.id, seq: 0, deleted: true }));
		const done = this.queue.then(async () => {
			for (let i = 0; i < gone.length; i += BATCH) {
				await applyChanges(this.rm, db, gone.slice(i, i + BATCH), 0);
			}
			// Its school's summary row, empty now, goes too: the school is not on this device.
			const school = schoolIdFromDbName(db);
			if (school !== null) await this.rm.schoolSummaries.delete(school);
			await this.rm.checkpoints.delete(db);
			this.known.clear();
		});
		this.queue = done.catch(() => undefined);
		await done;
	}

	/**
	 * Throw the read model away and build it again from the PouchDB databases. Meanwhile no feed
	 * runs: a database written to in that time (its `update_seq` moved) is told of at the end, so
	 * that the write is counted and sent at once, not at the next pass.
	 */
	async rebuild(dbs: string[]): Promise<void> {
		const seqOf = (db: string) =>
			this.dbFor(db)
				.info()
				.then(
					(info) => info.update_seq,
					() => null
				);
		const before = await Promise.all(dbs.map(seqOf));
		this.stop();
		await this.queue;
		await this.rm.transaction('rw', this.rm.tables, async () => {
			await Promise.all(this.rm.tables.map((t) => t.clear()));
		});
		this.known.clear();
		this.expect(dbs);
		for (const db of dbs) await this.follow(db);
		const after = await Promise.all(dbs.map(seqOf));
		dbs.forEach((db, i) => {
			if (after[i] !== before[i]) this.onChange(db);
		});
	}
}
