import {
	itemKey,
	TERM_NAMES,
	termName,
	VISIT_TYPE_LABELS,
	type AttainmentFramework,
	type EvaluationFramework,
	type FieldPath,
	type PeopleDirectory,
	type UserCtx,
	type VisitStatus,
	type VisitType
} from '$lib/domain';
import { schoolIdFromDbName } from '$lib/domain/databases';
import { isHeadOf, visitStatusLabel } from '$lib/domain/head-voice';
import { formatDate } from '$lib/format';
import type { ReadModel } from './read-model';

/**
 * Records and their fields named as people know them: the school, the kind of record and its visit
 * date or term, and each field by the label its editor shows. One place, used by the choice screen,
 * the Sync page and the notices, so a record is called the same everywhere. Never an id or an
 * internal field name: what is not known here is called by what it is ("a record", "another part
 * of this record").
 */

/** Full names by user name, from the trust's list of people (`PeopleDirectory`). */
export type PeopleNames = Readonly<Record<string, string>>;

/**
 * A person named in full: the name written on the record when they acted, else the trust's list
 * of people, else their user name (the last resort, for someone the list does not know yet).
 */
export function fullName(
	by: string,
	written: string | undefined,
	people: PeopleNames = {}
): string {
	return written?.trim() || (Object.hasOwn(people, by) ? people[by] : undefined) || by;
}

/** What naming needs from the read model: schools, the trust's frameworks and its people. */
export interface NameContext {
	schoolName: (id: string) => string | undefined;
	people?: PeopleNames;
	evaluationFramework: (id: string) => EvaluationFramework | undefined;
	attainmentFramework: AttainmentFramework | undefined;
	/**
	 * Who reads the names: the school's own head is spoken to ("Your confirmation") where everyone
	 * else reads about the head (`isHeadOf`). Without it, the names are about the head.
	 */
	reader?: UserCtx | null;
}

type Doc = Record<string, unknown> & { _id?: string; type?: unknown };

export const KIND_NAMES: Record<string, string> = {
	visit: 'SI discussion record',
	'learning-walk': 'Learning walk',
	'school-overview': 'School overview',
	'attainment-booklet': 'Attainment & Achievement overview',
	'next-step': 'Next step',
	'progress-update': 'Progress update on a next step',
	school: 'School details',
	'trust-settings': 'Trust settings',
	'academic-year': 'Academic year',
	'visit-calendar': 'Visit calendar',
	'evaluation-framework': 'Evaluation framework',
	'attainment-framework': 'Attainment & Achievement measures',
	'governors-copy': 'Copy of the summary sent to governors',
	concern: 'Concern raised to the chief executive'
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface RecordName {
	/** "SI discussion record" */
	kind: string;
	/** "Oakfield Primary", or '' for trust records */
	school: string;
	/** "visit on Fri 20 Nov 2026", "Autumn 2 (term 2), 2026-27" or '' */
	when: string;
	/** All three in one line: "SI discussion record, Oakfield Primary, visit on Fri 20 Nov 2026" */
	title: string;
}

/** A record as people know it. `doc` may be null when only its id is left (a removed record). */
export function recordName(db: string, doc: Doc | null, ctx: NameContext): RecordName {
	const type = str(doc?.type);
	const kind = KIND_NAMES[type] ?? (doc ? 'A record' : 'A removed record');
	const schoolId = str(doc?.schoolId) || schoolIdFromDbName(db) || '';
	const school = schoolId
		? (ctx.schoolName(schoolId) ?? (type === 'school' ? str(doc?.name) : ''))
		: '';
	let when = '';
	if (doc) {
		const term = typeof doc.term === 'number' ? termName(doc.term) : undefined;
		if (type === 'visit' && str(doc.date)) when = `visit on ${formatDate(str(doc.date))}`;
		else if (type === 'learning-walk' && str(doc.date)) when = `on ${formatDate(str(doc.date))}`;
		else if (type === 'school-overview' && term) when = `${term}, ${str(doc.year)}`;
		else if (type === 'attainment-booklet' || type === 'academic-year') when = str(doc.year);
		else if (type === 'next-step' && str(doc.action)) when = `“${clip(str(doc.action), 60)}”`;
		else if (type === 'concern' && str(doc.title)) when = `“${clip(str(doc.title), 60)}”`;
	}
	const title = [kind, school, when].filter(Boolean).join(', ');
	return { kind, school, when, title };
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

/** The item of a list a path names, found by its key as the merge keys it. */
function itemAt(list: unknown, key: string | undefined): Record<string, unknown> | string | null {
	if (!Array.isArray(list) || key === undefined) return null;
	const found = list.find((item) => itemKey(item) === key) as unknown;
	return typeof found === 'string' || (typeof found === 'object' && found !== null)
		? (found as Record<string, unknown> | string)
		: null;
}

const q = (s: string) => `“${s}”`;

const VISIT_FIELDS: Record<string, string> = {
	date: 'Date of the visit',
	visitType: 'Kind of visit',
	daysUsed: 'SI time used',
	attendees: 'Who attended',
	focus: 'Focus of the visit',
	documents: 'Documents seen',
	activities: 'Activities undertaken',
	discussion: 'Discussion record',
	evaluations: 'Evaluations agreed',
	safeguarding: 'Safeguarding',
	status: 'Where the record is',
	shared: 'Shared with the headteacher',
	confirmation: 'Confirmation by the headteacher',
	addenda: 'Later additions',
	frameworkId: 'Evaluation framework',
	nextSteps: 'Next steps agreed'
};
const AREA_FIELDS: Record<string, string> = {
	area: 'Name',
	evidence: 'Evidence',
	strengths: 'Strengths',
	development: 'Areas for development'
};
const WALK_FIELDS: Record<string, string> = {
	date: 'Date of the walk',
	lookFors: 'Look-fors',
	rooms: 'Rooms',
	summary: 'What the walk showed'
};
const ROOM_FIELDS: Record<string, string> = {
	group: 'Class or year group',
	subject: 'Subject',
	seen: 'Seen',
	strengths: 'Strengths',
	toDevelop: 'To develop',
	notes: 'Notes',
	photos: 'Photos',
	captions: 'What the photos show'
};
/** The visit's fields that name the head, as its head reads them. */
const HEAD_VISIT_FIELDS: Record<string, string> = {
	shared: 'Shared with you',
	confirmation: 'Your confirmation'
};
const OVERVIEW_FIELDS: Record<string, string> = {
	commentary: 'Your commentary',
	vulnerable: 'The school is vulnerable',
	supportPlan: 'Support plan'
};
const NEXT_STEP_FIELDS: Record<string, string> = {
	action: 'Next step',
	owner: 'Owner',
	dueDate: 'Due date',
	dueTerm: 'Due by the end of term',
	successCriteria: 'Success criteria'
};
const CELL_FIELDS: Record<string, string> = { cohort: 'cohort', count: 'figure', value: 'figure' };

const SOMEWHERE = 'Another part of this record';

function roomName(room: Record<string, unknown> | string | null): string {
	if (!room || typeof room === 'string') return 'a room';
	const words = [str(room.group), str(room.subject)].filter(Boolean).join(', ');
	return words ? `the room ${q(words)}` : 'a room';
}

/** An attainment cell or comparator key (`measure:group[:point]`) in the grid's own words. */
function figureName(key: string, ctx: NameContext): string {
	const f = ctx.attainmentFramework;
	const [measure, group, point] = key.split(':');
	const parts = [
		f?.measures.find((m) => m.id === measure)?.label,
		f?.groups.find((g) => g.id === group)?.label,
		point ? f?.points.find((p) => p.id === point)?.label : undefined
	];
	if (parts.slice(0, point ? 3 : 2).some((p) => !p)) return 'a figure';
	return parts.filter(Boolean).join(', ');
}

/** A field of a record, named by the label its editor shows, with the item it belongs to. */
export function fieldLabel(doc: Doc | null, path: FieldPath, ctx: NameContext): string {
	const type = str(doc?.type);
	const [field, key, sub] = path;
	if (!field) return SOMEWHERE;
	if (type === 'visit') {
		const list = doc?.[field];
		if (field === 'discussion' && key !== undefined) {
			const item = itemAt(list, key);
			const area = typeof item === 'object' && item ? str(item.area) : '';
			const which = area ? `the area ${q(area)}` : 'a discussion area';
			if (sub === undefined) return `Discussion of ${which}`;
			return AREA_FIELDS[sub] ? `${AREA_FIELDS[sub]} of ${which}` : SOMEWHERE;
		}
		if (field === 'evaluations' && key !== undefined) {
			const item = itemAt(list, key);
			const areaId = (typeof item === 'object' && item ? str(item.areaId) : '') || key;
			const framework = ctx.evaluationFramework(str(doc?.frameworkId));
			const area = framework?.areas.find((a) => a.id === areaId)?.label;
			const which = area ? q(area) : 'an area';
			if (sub === 'comment') return `Comment on ${which}`;
			if (sub === 'gradeId') return `Grade for ${which}`;
			return `Evaluation of ${which}`;
		}
		if (field === 'attendees' && key !== undefined) {
			const item = itemAt(list, key);
			const name = typeof item === 'object' && item ? str(item.name) : '';
			const who = name ? q(name) : 'a person';
			if (sub === 'name') return `Name of ${who} in Who attended`;
			if (sub === 'role') return `Role of ${who} in Who attended`;
			return `${name ? name : 'A person'} in Who attended`;
		}
		if ((field === 'documents' || field === 'activities') && key !== undefined) {
			return `${VISIT_FIELDS[field]}: ${q(key)}`;
		}
		const asHead = isHeadOf(ctx.reader ?? null, str(doc?.schoolId));
		if (field === 'confirmation' && key === 'comment') {
			return asHead ? 'Your comment' : 'The headteacher’s comment';
		}
		const name = (asHead ? HEAD_VISIT_FIELDS[field] : undefined) ?? VISIT_FIELDS[field];
		if (key !== undefined && name) return `${name} (one entry)`;
		return name ?? SOMEWHERE;
	}
	if (type === 'learning-walk') {
		if (field === 'rooms' && key !== undefined) {
			const which = roomName(itemAt(doc?.rooms, key));
			if (sub === undefined) return `Notes on ${which}`;
			if (sub === 'captions' && path[3] !== undefined) {
				// Named by its place among the room's photos now, as the editor labels its box.
				const room = itemAt(doc?.rooms, key);
				const photos =
					typeof room === 'object' && room && Array.isArray(room.photos) ? room.photos : [];
				const at = photos.indexOf(path[3]);
				return `What ${at < 0 ? 'a removed photo' : `photo ${at + 1}`} shows in ${which}`;
			}
			const label = ROOM_FIELDS[sub];
			if (!label) return SOMEWHERE;
			return path[3] !== undefined && sub === 'seen'
				? `Seen in ${which}: ${q(path[3])}`
				: `${label} in ${which}`;
		}
		if (field === 'lookFors' && key !== undefined) return `Look-for ${q(key)}`;
		return WALK_FIELDS[field] ?? SOMEWHERE;
	}
	if (type === 'school-overview') return OVERVIEW_FIELDS[field] ?? SOMEWHERE;
	if (type === 'next-step') return NEXT_STEP_FIELDS[field] ?? SOMEWHERE;
	if (type === 'attainment-booklet') {
		if (key === undefined) return SOMEWHERE;
		if (field === 'cells') {
			const name = figureName(key, ctx);
			return sub && CELL_FIELDS[sub] ? `${name}: ${CELL_FIELDS[sub]}` : name;
		}
		if (field === 'nationals') return `${figureName(key, ctx)}: national`;
		if (field === 'lastYear') {
			const name = `${figureName(key, ctx)}: last year`;
			return sub && CELL_FIELDS[sub] ? `${name}, ${CELL_FIELDS[sub]}` : name;
		}
		return SOMEWHERE;
	}
	return SOMEWHERE;
}

/** The value at a path (list items by their key), or undefined. */
export function valueAt(doc: unknown, path: readonly string[]): unknown {
	let here: unknown = doc;
	for (const step of path) {
		if (Array.isArray(here)) here = here.find((item) => itemKey(item) === step);
		else if (typeof here === 'object' && here !== null)
			here = (here as Record<string, unknown>)[step];
		else return undefined;
	}
	return here;
}

/** Fields whose value is chosen from a list, a date or a number: their options are not joined. */
const NOT_TEXT = new Set([
	'date',
	'dueDate',
	'status',
	'safeguarding',
	'visitType',
	'gradeId',
	'areaId',
	'frameworkId',
	'id'
]);

/** Whether a choice is between texts a person typed, so that both can be kept, joined. */
export function isFreeText(path: FieldPath, values: unknown[]): boolean {
	const last = path[path.length - 1] ?? '';
	return !NOT_TEXT.has(last) && values.every((v) => typeof v === 'string');
}

const SAFEGUARDING: Record<string, string> = { met: 'Met', 'not-met': 'Not met' };
const STATUS: Record<string, string> = {
	planned: 'Planned',
	draft: 'Draft',
	shared: 'Shared with the headteacher',
	confirmed: 'Confirmed by the headteacher'
};

/** A value as text a person can read: labels for codes, lines for a list, never JSON. */
export function valueText(
	doc: Doc | null,
	path: FieldPath,
	value: unknown,
	ctx: NameContext
): string {
	const last = path[path.length - 1] ?? '';
	if (value === undefined || value === null || value === '') {
		return last === 'safeguarding' ? 'Not evaluated' : '(empty)';
	}
	if (typeof value === 'boolean') return value ? 'Yes' : 'No';
	if (typeof value === 'number') {
		if (last === 'daysUsed') return `${value} ${value === 1 ? 'day' : 'days'}`;
		if (last === 'dueTerm') return TERM_NAMES[value - 1] ?? String(value);
		return String(value);
	}
	if (typeof value === 'string') {
		if (last === 'safeguarding') return SAFEGUARDING[value] ?? value;
		if (last === 'visitType') return VISIT_TYPE_LABELS[value as VisitType] ?? value;
		if (last === 'status') {
			const asHead = str(doc?.type) === 'visit' && isHeadOf(ctx.reader ?? null, str(doc?.schoolId));
			return Object.hasOwn(STATUS, value)
				? visitStatusLabel(value as VisitStatus, asHead, STATUS[value]!)
				: value;
		}
		if (last === 'gradeId') {
			const framework = ctx.evaluationFramework(str(doc?.frameworkId));
			return framework?.scale.find((g) => g.id === value)?.label ?? value;
		}
		if ((last === 'date' || last === 'dueDate') && /^\d{4}-\d{2}-\d{2}/.test(value)) {
			return formatDate(value);
		}
		return value;
	}
	if (Array.isArray(value)) {
		if (value.length === 0) return '(none)';
		return value.map((item) => `• ${itemText(item)}`).join('\n');
	}
	if (typeof value === 'object') return itemText(value);
	return String(value);
}

/** One item of a list in words: its typed fields, labelled, bookkeeping left out. */
function itemText(item: unknown): string {
	if (typeof item === 'string') return item;
	if (typeof item !== 'object' || item === null) return String(item);
	const o = item as Record<string, unknown>;
	const labels: Record<string, string> = {
		...AREA_FIELDS,
		...ROOM_FIELDS,
		name: 'Name',
		role: 'Role',
		comment: 'Comment',
		text: 'Text',
		label: '',
		area: ''
	};
	const parts: string[] = [];
	for (const [k, v] of Object.entries(o)) {
		if (!(k in labels)) continue;
		if (typeof v === 'string' && v) parts.push(labels[k] ? `${labels[k]}: ${v}` : v);
		else if (typeof v === 'boolean' && k !== 'label')
			parts.push(`${labels[k]}: ${v ? 'yes' : 'no'}`);
		else if (Array.isArray(v) && v.length) parts.push(`${labels[k]}: ${v.join(', ')}`);
	}
	if ('seen' in o && typeof o.seen === 'boolean') parts.push(o.seen ? 'seen' : 'not seen');
	if ('done' in o && typeof o.done === 'boolean') parts.push(o.done ? 'done' : 'not done');
	return parts.join(' · ') || '(empty)';
}

/** What naming needs, read from the read model once per screen. */
export async function loadNameContext(rm: ReadModel): Promise<NameContext> {
	const [schools, trustDocs] = await Promise.all([rm.schools.toArray(), rm.trustDocs.toArray()]);
	const names = new Map(schools.map((s) => [s.id, s.name]));
	const frameworks = new Map<string, EvaluationFramework>();
	let attainment: AttainmentFramework | undefined;
	let people: PeopleNames = {};
	for (const row of trustDocs) {
		if (row.type === 'people') {
			const list = (row.doc as PeopleDirectory).people;
			people = Object.fromEntries(list.map((p) => [p.name, p.fullName]));
		}
		if (row.type === 'evaluation-framework') {
			const f = row.doc as EvaluationFramework;
			frameworks.set(f.id, f);
		}
		if (row.type === 'attainment-framework') attainment = row.doc as AttainmentFramework;
	}
	return {
		schoolName: (id) => names.get(id),
		evaluationFramework: (id) => frameworks.get(id),
		attainmentFramework: attainment,
		people
	};
}

/**
 * Who wrote something, as the app knows them: the signed-in person by their own name, anyone else
 * by their full name (see `fullName`).
 */
export function personName(
	by: string,
	me: { name: string; fullName: string } | null,
	written?: string,
	people?: PeopleNames
): string {
	if (me && by === me.name)
		return me.fullName && me.fullName !== me.name ? `${me.fullName} (you)` : 'You';
	return fullName(by, written, people);
}
