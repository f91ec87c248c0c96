import Dexie, { type EntityTable, type Transaction } from 'dexie';
import { keyBookletRow } from './key-booklets';
import { summariesOf, type SummaryStep, type SummaryVisit } from './school-summaries';
import { stepProgressRow } from './step-progress';
import type {
	AcademicYear,
	AttainmentBooklet,
	AttainmentFramework,
	EvaluationFramework,
	LearningWalk,
	NextStep,
	ProgressUpdate,
	School,
	TrustSettings,
	VisitCalendar,
	VisitRecord,
	ExternalReview,
	NextStepStatus,
	PeopleDirectory,
	Concern,
	SchoolOverview,
	VulnerableMark
} from '$lib/domain';

/**
 * The indexed read model: what screens query (through `liveQuery`). It is derived from the PouchDB
 * databases, which stay the source of truth, so it can be thrown away and rebuilt at any time.
 */
export interface SchoolRow {
	id: string;
	name: string;
	doc: School;
}
export interface VisitRow {
	_id: string;
	schoolId: string;
	year: string;
	term: number;
	date: string;
	status: string;
	doc: VisitRecord;
	conflicted: 0 | 1;
}
export interface NextStepRow {
	_id: string;
	schoolId: string;
	year: string;
	visitId: string;
	/** Latest status from its progress updates ('open' until the first one). */
	status: NextStepStatus;
	/** Due date, or '' when only a term is set, so it sorts and indexes. */
	dueDate: string;
	updatedAt: string;
	doc: NextStep;
	conflicted: 0 | 1;
}
/** A progress update as the screens read it (`progressOf`); kept in `StepProgressRow`s. */
export interface ProgressRow {
	_id: string;
	nextStepId: string;
	schoolId: string;
	at: string;
	doc: ProgressUpdate;
}
/**
 * Every progress update on one next step, in one row (issue 17): a rebuild writes a row per next
 * step that has updates, not a row per update, and a rebuild is mostly its puts. The updates are
 * in the order of their moment, then id (as an index on both would list them); `ids` lists the
 * same updates' ids, indexed, to find the row of an update that is deleted or changes its step.
 */
export interface StepProgressRow {
	nextStepId: string;
	ids: string[];
	updates: ProgressUpdate[];
}
export interface WalkRow {
	_id: string;
	visitId: string;
	schoolId: string;
	doc: LearningWalk;
	conflicted: 0 | 1;
}
export interface TrustDocRow {
	_id: string;
	type: string;
	doc:
		| TrustSettings
		| AcademicYear
		| VisitCalendar
		| EvaluationFramework
		| AttainmentFramework
		| PeopleDirectory;
}
export interface AttainmentRow {
	/** `${schoolId}/${year}`: booklet ids repeat across school databases. */
	key: string;
	schoolId: string;
	year: string;
	doc: AttainmentBooklet;
	conflicted: 0 | 1;
}
/**
 * A booklet's key figures alone (`keyBooklet`), beside its row in `attainment`: what the trust
 * dashboard reads, a fifteenth of the whole booklet. Same key as the booklet's row.
 */
export interface KeyBookletRow {
	key: string;
	schoolId: string;
	year: string;
	doc: AttainmentBooklet;
}
/**
 * Every visit and next step of a school as the trust dashboard reads them (`school-summaries.ts`),
 * by id: one small row per school instead of each whole record.
 */
export interface SchoolSummaryRow {
	schoolId: string;
	visits: Record<string, SummaryVisit>;
	steps: Record<string, SummaryStep>;
}
export interface OverviewRow {
	/** `${schoolId}/${year}:t${term}`: overview ids repeat across school databases. */
	key: string;
	schoolId: string;
	year: string;
	term: number;
	doc: SchoolOverview;
	conflicted: 0 | 1;
}
export interface MarkRow {
	/** `${schoolId}/${_id}`: a school's vulnerable marks (the strategy's vulnerable route). */
	key: string;
	schoolId: string;
	doc: VulnerableMark;
	conflicted: 0 | 1;
}
export interface ConcernRow {
	_id: string;
	schoolId: string;
	/** 1 while the CEO has not closed it, so open concerns are one index lookup. */
	open: 0 | 1;
	raisedOn: string;
	doc: Concern;
	conflicted: 0 | 1;
}
export interface ReviewRow {
	/** `${schoolId}/${_id}`: a school's inspections and external reviews (issue 15). */
	key: string;
	schoolId: string;
	on: string;
	doc: ExternalReview;
	conflicted: 0 | 1;
}
export interface ConflictRow {
	/** `${db}/${docId}` */
	key: string;
	db: string;
	docId: string;
	type: string;
	revs: string[];
}
/** A record holding choices a person has to make (`choices` in the record, issue 12). */
export interface ChoiceRow {
	/** `${db}/${docId}` */
	key: string;
	db: string;
	docId: string;
	type: string;
	/** How many fields wait for a choice. */
	count: number;
	/** The record as it stands, to tell whether this person may make the choices. */
	doc: Record<string, unknown> & { _id: string };
}
/** A token that changes whenever a set of rows changes, for lists cached in memory. */
export interface VersionRow {
	key: string;
	token: string;
}
export interface CheckpointRow {
	db: string;
	seq: string | number;
}

export type ReadModel = Dexie & {
	schools: EntityTable<SchoolRow, 'id'>;
	visits: EntityTable<VisitRow, '_id'>;
	nextSteps: EntityTable<NextStepRow, '_id'>;
	stepProgress: EntityTable<StepProgressRow, 'nextStepId'>;
	walks: EntityTable<WalkRow, '_id'>;
	trustDocs: EntityTable<TrustDocRow, '_id'>;
	attainment: EntityTable<AttainmentRow, 'key'>;
	keyBooklets: EntityTable<KeyBookletRow, 'key'>;
	schoolSummaries: EntityTable<SchoolSummaryRow, 'schoolId'>;
	overviews: EntityTable<OverviewRow, 'key'>;
	marks: EntityTable<MarkRow, 'key'>;
	concerns: EntityTable<ConcernRow, '_id'>;
	reviews: EntityTable<ReviewRow, 'key'>;
	conflicts: EntityTable<ConflictRow, 'key'>;
	choices: EntityTable<ChoiceRow, 'key'>;
	checkpoints: EntityTable<CheckpointRow, 'db'>;
	versions: EntityTable<VersionRow, 'key'>;
};

/** Each school's dashboard summary, made again from the visit and next-step rows already kept. */
async function summariesFromRows(tx: Transaction): Promise<void> {
	const [visits, steps] = await Promise.all([
		tx.table('visits').toArray() as Promise<VisitRow[]>,
		tx.table('nextSteps').toArray() as Promise<NextStepRow[]>
	]);
	await tx.table('schoolSummaries').bulkPut(summariesOf(visits, steps));
}

export const readModelName = (user: string) => `si-read:${encodeURIComponent(user)}`;

export function openReadModel(user: string): ReadModel {
	const db = new Dexie(readModelName(user)) as ReadModel;
	// The read model is derived data: a new version adds its tables and forgets the checkpoints, so
	// the projector reads every document again and fills them. Only the newest schema is declared
	// (Dexie moves a read model of any older version straight to it, and every older version's
	// upgrade did no more than this one's): declaring the seven versions one after another cost a
	// cold start on a phone about 100 ms of schema parsing. A new version goes below this one.
	// Since version 5 visit records carry ids on every list item, since 6 choices are listed, since
	// 7 vulnerable marks are kept (issues 12 and 15), since 8 concerns raised to the CEO (issue 15).
	db.version(8)
		.stores({
			schools: 'id, name',
			visits: '_id, [schoolId+year+term], [schoolId+date], date, status',
			nextSteps: '_id, [schoolId+status+dueDate], [schoolId+dueDate], visitId, status',
			progress: '_id, nextStepId, [nextStepId+at]',
			walks: '_id, visitId',
			trustDocs: '_id, type',
			conflicts: 'key, db',
			checkpoints: 'db',
			attainment: 'key, [schoolId+year], schoolId',
			overviews: 'key, [schoolId+year+term], [year+term]',
			versions: 'key',
			choices: 'key, db, docId',
			marks: 'key, schoolId',
			concerns: '_id, schoolId, open, [schoolId+open]'
		})
		.upgrade((tx) => tx.table('checkpoints').clear());
	// Inspections and external reviews (issue 15) are the school's own records: read every document
	// again. (Version 8 added the concerns.)
	db.version(9)
		.stores({ reviews: 'key, schoolId' })
		.upgrade((tx) => tx.table('checkpoints').clear());
	// Indexes no query uses are dropped: every put pays for each index of its table, and a rebuild
	// is mostly puts (issue 17). `where('nextStepId')` is served by `[nextStepId+at]` (Dexie reads a
	// compound index by its first part). The rows are unchanged, so nothing is read again.
	db.version(10).stores({
		visits: '_id, [schoolId+year+term], [schoolId+date]',
		nextSteps: '_id, [schoolId+dueDate], visitId',
		progress: '_id, [nextStepId+at]'
	});
	// The booklets' key figures (issue 17: the dashboard read every booklet whole). They are made
	// from the booklets already in the read model, so nothing is read again from PouchDB.
	db.version(11)
		.stores({ keyBooklets: 'key, year' })
		.upgrade(async (tx) => {
			const rows = (await tx.table('attainment').toArray()) as AttainmentRow[];
			await tx.table('keyBooklets').bulkPut(rows.map(keyBookletRow));
		});
	// A next step's progress updates are kept in one row (`StepProgressRow`, issue 17): a rebuild
	// wrote one row per update, more than half of its puts. The rows are made from the updates
	// already in the read model, so nothing is read again from PouchDB.
	db.version(12)
		.stores({ progress: null, stepProgress: 'nextStepId, *ids' })
		.upgrade(async (tx) => {
			const updates = new Map<string, ProgressUpdate[]>();
			for (const row of (await tx.table('progress').toArray()) as ProgressRow[]) {
				updates.set(row.nextStepId, [...(updates.get(row.nextStepId) ?? []), row.doc]);
			}
			await tx
				.table('stepProgress')
				.bulkPut([...updates].map(([step, list]) => stepProgressRow(step, list)));
		});
	// Each school's visits and next steps as the dashboard reads them (issue 17: it read every whole
	// visit record and next step, about 900 KB for fifty schools). Made from the rows already here.
	db.version(13).stores({ schoolSummaries: 'schoolId' }).upgrade(summariesFromRows);
	// The summaries keep the steps a head's confirmation names, which decide whether a step is
	// agreed. Made again from the rows already here, which hold the whole records.
	db.version(14).stores({}).upgrade(summariesFromRows);
	// The summaries keep each visit's safeguarding judgement, for the dashboard's "Safeguarding not
	// met" flag. Made again from the rows already here.
	db.version(15).stores({}).upgrade(summariesFromRows);
	// Another tab upgrading the schema must not be blocked by this one (Dexie#1779).
	db.on('versionchange', () => {
		db.close();
	});
	return db;
}
