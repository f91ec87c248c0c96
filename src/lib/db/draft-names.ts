import { buildGrid } from '$lib/domain/attainment-grid';
import {
	REVIEW_KIND_LABELS,
	VISIT_CALENDAR_ID,
	type AttainmentFramework,
	type ReviewKind
} from '$lib/domain';
import { choiceKey } from '$lib/domain/changes';
import { CONCERNS_DB } from '$lib/domain/databases';
import { formatDate, today } from '$lib/format';
import { KIND_NAMES, recordName, type NameContext } from './names';
import type { ReadModel } from './read-model';

/** Forms kept per school, by the school's id. */
const OF_SCHOOL = new Set([
	'vulnerable-mark',
	'review',
	'plan',
	'situation',
	'close-school',
	'school-details'
]);

type Doc = Record<string, unknown> & { _id: string };

/** What this device holds of the record a draft's form belongs to (`draftFacts`, for `draftFate`). */
export type DraftFacts =
	/** Its record is not on this device (not synced yet, or never): nothing can be told. */
	| { found: 'unknown' }
	/** Its record was deleted (a tombstone in its database). */
	| { found: 'deleted' }
	| {
			found: 'there';
			/** The school the record belongs to has closed: its records are read-only. */
			schoolClosed?: boolean;
			/** A visit record's status (a visit's forms, a next step's for a visit). */
			visitStatus?: 'planned' | 'draft' | 'shared' | 'confirmed';
			/** The person is the visit's visitor (the addendum), not the head (the reply). */
			isVisitor?: boolean;
			/** The concern was closed by the chief executive. */
			concernClosed?: boolean;
			/** A school's vulnerable mark in force; for a mark's forms, that mark still in force. */
			markInForce?: boolean;
			/** The choice a merged text was written for is still waiting. */
			choiceWaiting?: boolean;
			/** A review of the draft's kind and date already recorded ("Ofsted inspection, Thu 15 Jan 2026"). */
			reviewRecorded?: string;
	  };

/**
 * A record by its id, from the databases: its database when the draft's key names it, or else
 * any of this device's; 'deleted' when the record was deleted there, null when it is not found.
 */
export type FindRecord = (id: string, db?: string) => Promise<Doc | 'deleted' | null>;

/** A draft as read from its key (`readKeptDrafts`): its kind of form, its record and what was typed. */
interface DraftRef {
	form: string;
	record: string | null;
	at: number | null;
	values: Readonly<Record<string, string>>;
	typed: readonly { field: string; label: string; text: string }[];
}

/** A merged text's key, `<db>/<doc id>/<choice key>`, in its parts; null when it is not one. */
export function mergeParts(record: string): { db: string; id: string; choice: string } | null {
	const [db = '', id = '', ...rest] = record.split('/');
	return db && id && rest.length > 0 ? { db, id, choice: rest.join('/') } : null;
}

/**
 * The record or school a kept draft was typed about, as people know it ("SI discussion record,
 * Ashcombe Primary School, visit on Tue 3 Nov 2026"): the Sync page's "Visit record" alone does not
 * say which of a SIL's schools. Null where the draft's key does not name one this device holds.
 */
export async function nameDraftRecord(
	rm: ReadModel,
	d: DraftRef,
	names: NameContext,
	find: FindRecord = () => Promise.resolve(null)
): Promise<string | null> {
	if (d.form === 'school') {
		const name = d.typed.find((t) => t.field === 'name')?.text;
		return name ? `${name}, a school not yet added` : 'A school not yet added';
	}
	const id = d.record;
	if (!id) return null;
	const school = (schoolId: string) => names.schoolName(schoolId) ?? null;
	const named = (schoolId: string, doc: Record<string, unknown>) =>
		recordName(`school-${schoolId}`, doc, names).title;
	switch (d.form) {
		case 'visit':
		case 'next-step':
		case 'area':
		case 'concern': {
			const visit = await rm.visits.get(id);
			if (visit) return named(visit.schoolId, visit.doc);
			// A concern raised from a school's page is kept by the school's id.
			return d.form === 'concern' ? school(id) : null;
		}
		case 'progress':
		case 'reason': {
			const step = await rm.nextSteps.get(id);
			return step ? named(step.schoolId, step.doc) : null;
		}
		case 'concern-action': {
			const concern = await rm.concerns.get(id);
			return concern ? named(concern.schoolId, concern.doc) : null;
		}
		case 'figures': {
			const [schoolId = '', year = ''] = id.split('/');
			const name = school(schoolId);
			return name ? `${KIND_NAMES['attainment-booklet']}, ${name}, ${year}` : null;
		}
		case 'vulnerable-edit':
		case 'vulnerable-remove': {
			const mark = await markById(rm, id);
			if (!mark) return null;
			const name = school(mark.schoolId);
			const since = `marked vulnerable on ${formatDate(mark.doc.markedOn)}`;
			return name ? `${name}, ${since}` : null;
		}
		case 'merge': {
			const parts = mergeParts(id);
			if (!parts) return null;
			const row = await rm.choices.get(`${parts.db}/${parts.id}`);
			const doc = row?.doc ?? (await find(parts.id, parts.db).catch(() => null));
			return doc && doc !== 'deleted' ? recordName(parts.db, doc, names).title : null;
		}
		default:
			return OF_SCHOOL.has(d.form) ? school(id) : null;
	}
}

async function markById(rm: ReadModel, id: string) {
	return rm.marks.filter((r) => r.doc._id === id).first();
}

/**
 * What this device holds of the record a draft's form belongs to, for `draftFate`. `user` is the
 * signed-in person's name (a visit's forms differ for its visitor and its head).
 */
export async function draftFacts(
	rm: ReadModel,
	d: DraftRef,
	user: string,
	find: FindRecord
): Promise<DraftFacts> {
	const id = d.record ?? '';
	const closed = async (schoolId: string) => !!(await rm.schools.get(schoolId))?.doc.closed;
	/** Not in the read model: deleted, or not on this device. */
	const missing = async (db?: string): Promise<DraftFacts> =>
		(await find(id, db).catch(() => null)) === 'deleted'
			? { found: 'deleted' }
			: { found: 'unknown' };
	switch (d.form) {
		case 'school':
			return { found: 'there' };
		case 'school-details':
			// A closed school's details may still be corrected: its closing takes nothing away here.
			return (await rm.schools.get(id)) ? { found: 'there' } : { found: 'unknown' };
		case 'calendar':
			// The trust has one calendar: it is there once the first sync brought it.
			return (await rm.trustDocs.get(VISIT_CALENDAR_ID))
				? { found: 'there' }
				: { found: 'unknown' };
		case 'visit':
		case 'next-step':
		case 'area':
		case 'concern': {
			const visit = await rm.visits.get(id);
			if (visit) {
				return {
					found: 'there',
					schoolClosed: await closed(visit.schoolId),
					visitStatus: visit.doc.status,
					isVisitor: visit.doc.visitor === user
				};
			}
			if (d.form === 'concern' && (await rm.schools.get(id))) {
				return { found: 'there', schoolClosed: await closed(id) };
			}
			return missing();
		}
		case 'progress':
		case 'reason': {
			const step = await rm.nextSteps.get(id);
			return step ? { found: 'there', schoolClosed: await closed(step.schoolId) } : missing();
		}
		case 'concern-action': {
			const concern = await rm.concerns.get(id);
			return concern
				? { found: 'there', concernClosed: !!concern.doc.closed }
				: missing(CONCERNS_DB);
		}
		case 'vulnerable-edit':
		case 'vulnerable-remove': {
			const mark = await markById(rm, id);
			return mark
				? {
						found: 'there',
						schoolClosed: await closed(mark.schoolId),
						markInForce: !mark.doc.removed
					}
				: missing();
		}
		case 'figures':
		case 'vulnerable-mark':
		case 'review':
		case 'plan':
		case 'situation':
		case 'close-school': {
			const schoolId = d.form === 'figures' ? (id.split('/')[0] ?? '') : id;
			if (!(await rm.schools.get(schoolId))) return { found: 'unknown' };
			const facts: DraftFacts = { found: 'there', schoolClosed: await closed(schoolId) };
			if (d.form === 'review') {
				// A form's defaults are not kept: the kind starts as Ofsted, the date as the day typed.
				const kind = (d.values.kind || 'ofsted') as ReviewKind;
				const on = d.values.on || (d.at === null ? '' : today(new Date(d.at)));
				const reviews = await rm.reviews.where('schoolId').equals(schoolId).toArray();
				if (reviews.some((r) => r.doc.kind === kind && r.doc.on === on)) {
					facts.reviewRecorded = `${REVIEW_KIND_LABELS[kind] ?? 'Review'}, ${formatDate(on)}`;
				}
			}
			if (d.form === 'vulnerable-mark') {
				const marks = await rm.marks.where('schoolId').equals(schoolId).toArray();
				facts.markInForce = marks.some((m) => !m.doc.removed);
			}
			return facts;
		}
		case 'merge': {
			const parts = mergeParts(id);
			if (!parts) return { found: 'unknown' };
			const row = await rm.choices.get(`${parts.db}/${parts.id}`);
			const choices = Array.isArray(row?.doc.choices) ? (row.doc.choices as unknown[]) : [];
			const waiting = choices.some((c) => {
				const path = (c as { path?: unknown } | null)?.path;
				return Array.isArray(path) && choiceKey(path as string[]) === parts.choice;
			});
			return { found: 'there', choiceWaiting: waiting };
		}
		default:
			return { found: 'unknown' };
	}
}

/**
 * A cell of the A&A grid (`<row id>|<column id>`, as `KeptCells` keeps it) as the grid itself
 * labels its row and column ("Reading, Disadvantaged (End of year outcome: figure)"); null when the
 * trust's framework no longer has it.
 */
export function figureCellLabel(
	framework: AttainmentFramework | undefined,
	cell: string
): string | null {
	if (!framework) return null;
	const [rowId, columnId] = cell.split('|');
	const grid = buildGrid(framework);
	const row = grid.rows.find((r) => r.id === rowId);
	const column = grid.columns.find((c) => c.id === columnId);
	return row && column ? `${row.label} (${column.label})` : null;
}
