import {
	AcademicYear,
	AttainmentBooklet,
	AttainmentFramework,
	EvaluationFramework,
	LearningWalk,
	NextStep,
	ProgressUpdate,
	School,
	SchoolOverview,
	TrustSettings,
	VisitCalendar,
	VisitRecord,
	type NextStepStatus
} from '$lib/domain';
import type { z } from 'zod';
import type { ReadModel } from './read-model';

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
	'attainment-framework': AttainmentFramework
} as const;

const BATCH = 500;

function parse<T extends z.ZodType>(schema: T, doc: unknown): z.infer<T> | null {
	const result = schema.safeParse(doc);
	if (result.success) return result.data;
	// The document stays safe in PouchDB; it is only left out of the screens.
	console.warn('Read model skipped a document that does not match its schema', result.error);
	return null;
}

/** The latest status a next step has from its progress updates. */
async function statusOf(rm: ReadModel, nextStepId: string): Promise<[NextStepStatus, string]> {
	const latest = await rm.progress
		.where('[nextStepId+at]')
		.between([nextStepId, ''], [nextStepId, '\uffff'])
		.last();
	return latest ? [latest.doc.status, latest.at] : ['open', ''];
}

async function refreshStatus(rm: ReadModel, nextStepId: string): Promise<void> {
	const row = await rm.nextSteps.get(nextStepId);
	if (!row) return;
	const [status, at] = await statusOf(rm, nextStepId);
	await rm.nextSteps.put({ ...row, status, updatedAt: at || row.doc.createdAt });
}

async function remove(rm: ReadModel, db: string, id: string): Promise<void> {
	const progress = await rm.progress.get(id);
	await Promise.all([
		rm.visits.delete(id),
		rm.nextSteps.delete(id),
		rm.progress.delete(id),
		rm.walks.delete(id),
		rm.trustDocs.delete(id),
		id.startsWith('attainment:')
			? rm.attainment.delete(`${db.slice('school-'.length)}/${id.slice('attainment:'.length)}`)
			: undefined,
		id.startsWith('overview:')
			? rm.overviews.delete(`${db.slice('school-'.length)}/${id.slice('overview:'.length)}`)
			: undefined,
		rm.conflicts.delete(`${db}/${id}`),
		id.startsWith('school:') ? rm.schools.delete(id.slice('school:'.length)) : undefined
	]);
	if (progress) await refreshStatus(rm, progress.nextStepId);
}

async function applyOne(rm: ReadModel, db: string, change: Change): Promise<void> {
	const doc = change.doc;
	if (change.id.startsWith('_design/')) return;
	if (change.deleted || !doc) return remove(rm, db, change.id);

	const conflicted = doc._conflicts && doc._conflicts.length > 0 ? 1 : 0;
	const type = String(doc.type ?? '');
	if (conflicted) {
		await rm.conflicts.put({
			key: `${db}/${doc._id}`,
			db,
			docId: doc._id,
			type,
			revs: [doc._rev, ...(doc._conflicts ?? [])]
		});
	} else {
		await rm.conflicts.delete(`${db}/${doc._id}`);
	}

	if (type === 'school') {
		const school = parse(School, doc);
		if (school) await rm.schools.put({ id: school.id, name: school.name, doc: school });
	} else if (type in TRUST_TYPES) {
		const parsed = parse(TRUST_TYPES[type as keyof typeof TRUST_TYPES], doc);
		if (parsed) await rm.trustDocs.put({ _id: parsed._id, type, doc: parsed });
	} else if (type === 'visit') {
		const v = parse(VisitRecord, doc);
		if (v) {
			await rm.visits.put({
				_id: v._id,
				schoolId: v.schoolId,
				year: v.year,
				term: v.term,
				date: v.date,
				status: v.status,
				doc: v,
				conflicted
			});
		}
	} else if (type === 'next-step') {
		const n = parse(NextStep, doc);
		if (n) {
			const [status, at] = await statusOf(rm, n._id);
			await rm.nextSteps.put({
				_id: n._id,
				schoolId: n.schoolId,
				year: n.year,
				visitId: n.visitId ?? '',
				status,
				dueDate: n.dueDate ?? '',
				updatedAt: at || n.createdAt,
				doc: n,
				conflicted
			});
		}
	} else if (type === 'progress-update') {
		const p = parse(ProgressUpdate, doc);
		if (p) {
			await rm.progress.put({
				_id: p._id,
				nextStepId: p.nextStepId,
				schoolId: p.schoolId,
				at: p.at,
				doc: p
			});
			await refreshStatus(rm, p.nextStepId);
		}
	} else if (type === 'attainment-booklet') {
		const b = parse(AttainmentBooklet, doc);
		if (b) {
			await rm.attainment.put({
				key: `${b.schoolId}/${b.year}`,
				schoolId: b.schoolId,
				year: b.year,
				doc: b,
				conflicted
			});
		}
	} else if (type === 'school-overview') {
		const o = parse(SchoolOverview, doc);
		if (o) {
			await rm.overviews.put({
				key: `${o.schoolId}/${o._id.slice('overview:'.length)}`,
				schoolId: o.schoolId,
				year: o.year,
				term: o.term,
				doc: o,
				conflicted
			});
		}
	} else if (type === 'learning-walk') {
		const w = parse(LearningWalk, doc);
		if (w) {
			await rm.walks.put({
				_id: w._id,
				visitId: w.visitId,
				schoolId: w.schoolId,
				doc: w,
				conflicted
			});
		}
	}
}

/** Apply a batch of changes and move the checkpoint in one transaction: never one without the other. */
export async function applyChanges(
	rm: ReadModel,
	db: string,
	changes: Change[],
	lastSeq: string | number
): Promise<void> {
	await rm.transaction('rw', rm.tables, async () => {
		for (const change of changes) await applyOne(rm, db, change);
		await rm.checkpoints.put({ db, seq: lastSeq });
	});
}

/**
 * Keeps the read model up to date with a set of PouchDB databases: catches up from each stored
 * checkpoint in batches, then follows the live changes feed.
 */
export class Projector {
	private feeds = new Map<string, PouchDB.Core.Changes<object>>();
	private queue: Promise<void> = Promise.resolve();
	private readonly rm: ReadModel;
	private readonly dbFor: (db: string) => PouchDB.Database;

	constructor(rm: ReadModel, dbFor: (db: string) => PouchDB.Database) {
		this.rm = rm;
		this.dbFor = dbFor;
	}

	/** Bring one database's projection up to date, then follow it live. */
	async follow(db: string): Promise<void> {
		if (this.feeds.has(db)) return;
		const local = this.dbFor(db);
		let since = (await this.rm.checkpoints.get(db))?.seq ?? 0;
		for (;;) {
			const res = await local.changes({
				since,
				limit: BATCH,
				include_docs: true,
				conflicts: true
			});
			if (res.results.length === 0) break;
			await applyChanges(this.rm, db, res.results as Change[], res.last_seq);
			since = res.last_seq;
		}
		const feed = local.changes({
			since,
			live: true,
			include_docs: true,
			conflicts: true,
			return_docs: false
		});
		let pending: Change[] = [];
		void feed.on('change', (change) => {
			pending.push(change as unknown as Change);
			if (pending.length > 1) return;
			// Changes that arrive together (a replication batch) are applied in one transaction.
			this.queue = this.queue.then(async () => {
				const batch = pending;
				pending = [];
				const last = batch[batch.length - 1];
				if (last) await applyChanges(this.rm, db, batch, last.seq);
			});
		});
		void feed.on('error', (err) => console.error(`Read model feed for ${db} failed`, err));
		this.feeds.set(db, feed);
	}

	/** Resolves once every change received so far is in the read model. */
	settled(): Promise<void> {
		return this.queue;
	}

	stop(): void {
		for (const feed of this.feeds.values()) feed.cancel();
		this.feeds.clear();
	}

	/** Throw the read model away and build it again from the PouchDB databases. */
	async rebuild(dbs: string[]): Promise<void> {
		this.stop();
		await this.queue;
		await this.rm.transaction('rw', this.rm.tables, async () => {
			await Promise.all(this.rm.tables.map((t) => t.clear()));
		});
		for (const db of dbs) await this.follow(db);
	}
}
