import type { z } from 'zod';
import { School } from './school.ts';
import { EvaluationFramework } from './evaluation.ts';
import { actsAsSil, hasRole, isAdmin, isHeadOf, type UserCtx } from './roles.ts';
import { fieldWords } from './field-words.ts';
import { CONCERNS_DB, schoolIdFromDbName, schoolIdFromGovernorsDb, TRUST_DB } from './databases.ts';
import { AcademicYear, TrustSettings, VisitCalendar } from './trust.ts';
import { LearningWalk, NextStep, ProgressUpdate, VisitRecord } from './visit.ts';
import { AttainmentBooklet, AttainmentFramework } from './attainment-schema.ts';
import { GovernorsCopy, GovernorsSummary } from './attainment-snapshots.ts';
import { SchoolOverview } from './overview.ts';
import { VulnerableMark } from './vulnerable.ts';
import { Concern } from './concern.ts';
import { PeopleDirectory } from './people.ts';
import { ExternalReview } from './reviews.ts';

/** Every kind of document, by its `type`, and the database it belongs in. */
export const SCHEMAS = {
	school: { schema: School, db: 'trust' },
	'trust-settings': { schema: TrustSettings, db: 'trust' },
	'academic-year': { schema: AcademicYear, db: 'trust' },
	'visit-calendar': { schema: VisitCalendar, db: 'trust' },
	'evaluation-framework': { schema: EvaluationFramework, db: 'trust' },
	'attainment-framework': { schema: AttainmentFramework, db: 'trust' },
	people: { schema: PeopleDirectory, db: 'trust' },
	visit: { schema: VisitRecord, db: 'school' },
	'next-step': { schema: NextStep, db: 'school' },
	'progress-update': { schema: ProgressUpdate, db: 'school' },
	'learning-walk': { schema: LearningWalk, db: 'school' },
	'attainment-booklet': { schema: AttainmentBooklet, db: 'school' },
	'school-overview': { schema: SchoolOverview, db: 'school' },
	'vulnerable-mark': { schema: VulnerableMark, db: 'school' },
	'governors-copy': { schema: GovernorsCopy, db: 'school' },
	'external-review': { schema: ExternalReview, db: 'school' },
	concern: { schema: Concern, db: 'concerns' },
	'governors-summary': { schema: GovernorsSummary, db: 'governors' }
} as const satisfies Record<
	string,
	{ schema: z.ZodType; db: 'trust' | 'school' | 'concerns' | 'governors' }
>;

export type DocType = keyof typeof SCHEMAS;

/** A document write is refused: `forbidden` maps to HTTP 403, as from `validate_doc_update`. */
export type Verdict = { ok: true } | { ok: false; error: 'forbidden'; reason: string };

const ok: Verdict = { ok: true };
const forbid = (reason: string): Verdict => ({ ok: false, error: 'forbidden', reason });

type AnyDoc = { _id: string; _deleted?: boolean; type?: unknown; [k: string]: unknown };

/**
 * Plain-words summary of the first schema problems of a record of kind `type`, for a refusal a
 * person can act on (the save state, the Sync page, a 403 reason). A field the forms name
 * (`FIELD_WORDS`) is named as they do: left empty, the form's own request ("Say who owns this next
 * step"); otherwise its label and the problem. Other fields keep their place in the record, for
 * whoever looks into it.
 */
export function describeIssues(error: z.ZodError, type?: string): string {
	return error.issues
		.slice(0, 3)
		.map((i) => {
			const words = fieldWords(type, i.path);
			const empty = i.code === 'too_small' || i.code === 'custom' || i.code === 'invalid_type';
			if (words) return `${empty ? words.missing : `${words.label}: ${i.message}`}.`;
			return `${i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message}.`;
		})
		.join(' ');
}

/** The fields a change touched, ignoring CouchDB's own underscore fields. */
function changedFields(a: AnyDoc, b: AnyDoc): string[] {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...keys].filter(
		(k) => !k.startsWith('_') && JSON.stringify(a[k]) !== JSON.stringify(b[k])
	);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A full name written on a record stays as written: a record without one (written before names
 * were kept) may be given one, but a name once there is not changed or removed.
 */
const keepsName = (before: unknown, after: unknown) => before === undefined || before === after;

/**
 * Fields a device rewrites on every save, which a locked or confirmed record may still change. The
 * `edit` stamp (issue 12) names whoever made the later of two merged revisions, who may be another
 * person, so it proves nothing and is not checked against the writer.
 */
const BOOKKEEPING = ['updatedAt', 'edit'];

/**
 * Attachments by name and content. The rules see stubs with digests (as CouchDB's
 * validate_doc_update does; the sync server hands inline data over as such stubs), so two
 * attachments are the same when their digests are.
 */
function attachmentDigests(doc: AnyDoc): string {
	const atts = (doc._attachments ?? {}) as Record<string, { digest?: unknown } | undefined>;
	return JSON.stringify(
		Object.keys(atts)
			.sort()
			.map((name) => [name, atts[name]?.digest ?? null])
	);
}

/** `list` starts with every item of `before`, unchanged, and what it adds is signed by `name`. */
function appendedBy(before: unknown, after: unknown, name: string | null): boolean {
	const old = Array.isArray(before) ? before : [];
	const now = Array.isArray(after) ? (after as { by?: unknown }[]) : [];
	return (
		now.length >= old.length &&
		same(now.slice(0, old.length), old) &&
		now.slice(old.length).every((item) => item.by === name)
	);
}

/** `after` holds fewer of `before`'s choices and nothing else: choices settled, none changed. */
function onlySettled(before: unknown, after: unknown): boolean {
	const old = Array.isArray(before) ? before.map((c) => JSON.stringify(c)) : [];
	if (after === undefined) return old.length > 0;
	if (!Array.isArray(after) || after.length >= old.length) return false;
	return after.every((c) => old.includes(JSON.stringify(c)));
}

/** Trust settings that change what a role may write (read from the trust database). */
export interface RuleOptions {
	/** Heads may enter their own school's attainment figures. */
	headsMayEnterFigures?: boolean;
	/**
	 * The school whose database is written (its records, or its governors' copies: `schoolOfDb`) has
	 * closed: its records are kept read-only.
	 */
	schoolClosed?: boolean;
}

const CLOSED = 'This school has closed: its records are kept read-only.';

/**
 * The analogue of CouchDB's `validate_doc_update` for every write, run by the sync server (and,
 * bundled, by CouchDB as a design document). Access to the database itself is checked before this.
 * `oldDoc` is the current winning revision, or null for a new document.
 */
export function validateDocUpdate(
	newDoc: AnyDoc,
	oldDoc: AnyDoc | null,
	user: UserCtx,
	db: string,
	options: RuleOptions = {}
): Verdict {
	const admin = isAdmin(user);
	if (newDoc._id.startsWith('_design/')) {
		return admin ? ok : forbid('Only a trust administrator may change design documents.');
	}
	// The chair of governors reads the copies sent to them and writes nothing, not even a deletion.
	if (!admin && schoolIdFromGovernorsDb(db) !== null) {
		if (!(['sil', 'head', 'ceo'] as const).some((r) => hasRole(user, r)))
			return forbid(
				'The chair of governors reads the copies sent; only those who send them write.'
			);
	}
	if (newDoc._deleted) {
		// A deletion is a tombstone: content on it would be stored and replicated, unvalidated. The
		// one exception is the revision an automatic merge folded this version into (issue 12,
		// src/lib/sync/resolve.ts), a revision id and nothing else.
		const content = Object.keys(newDoc).filter((k) => !k.startsWith('_'));
		const merged = content.length === 1 && content[0] === 'mergedInto' && isRev(newDoc.mergedInto);
		if (!admin && content.length > 0 && !merged) {
			return forbid('A deletion carries no content: send only _id, _rev and _deleted.');
		}
		return validateDelete(newDoc, oldDoc, user, db, options);
	}

	const type = String(newDoc.type ?? '');
	const entry = (SCHEMAS as Record<string, (typeof SCHEMAS)[DocType] | undefined>)[type];
	if (!entry) return forbid(`Unknown document type "${type}".`);
	const governed = schoolIdFromGovernorsDb(db);
	const schoolId = schoolIdFromDbName(db) ?? governed;
	const kind =
		db === TRUST_DB
			? 'trust'
			: db === CONCERNS_DB
				? 'concerns'
				: governed
					? 'governors'
					: schoolId
						? 'school'
						: null;
	if (kind !== entry.db) {
		return forbid(`A ${type} document does not belong in the database "${db}".`);
	}
	if (oldDoc && !oldDoc._deleted && oldDoc.type !== newDoc.type) {
		return forbid('A document cannot change its type.');
	}
	const parsed = entry.schema.safeParse(newDoc);
	if (!parsed.success) return forbid(`Invalid ${type}: ${describeIssues(parsed.error, type)}`);
	if (schoolId && newDoc.schoolId !== schoolId) {
		return forbid(`This document is for another school than ${schoolId}.`);
	}
	if (admin) return ok;
	if (kind === 'trust') return forbid('Only a trust administrator may change trust settings.');
	if (options.schoolClosed) return forbid(CLOSED);

	const old = oldDoc && !oldDoc._deleted ? oldDoc : null;
	const lead = actsAsSil(user, schoolId ?? undefined);
	switch (type as DocType) {
		case 'visit':
			return validateVisit(newDoc, old, user, schoolId!);
		case 'next-step':
			return validateNextStep(newDoc, old, user, schoolId!);
		case 'progress-update':
			if (old) return forbid('A progress update cannot be changed; add a new one.');
			if (newDoc.by !== user.name) return forbid('A progress update must be in your own name.');
			return ok;
		case 'learning-walk':
			if (!lead) return forbid('Only the visitor writes learning-walk notes.');
			if (old && old.visitor !== user.name) {
				return forbid('Learning-walk notes can only be changed by the visitor who took them.');
			}
			if (old && !keepsName(old.visitorName, newDoc.visitorName)) {
				return forbid('The visitor of a record cannot be changed.');
			}
			return newDoc.visitor === user.name ? ok : forbid('Learning-walk notes must be your own.');
		case 'attainment-booklet': {
			// A snapshot records the figures at a SIL's visit (issue 15): kept by a SIL, in their name.
			const before = (old?.snapshots ?? {}) as Record<string, unknown>;
			const after = (newDoc.snapshots ?? {}) as Record<string, { takenBy?: unknown }>;
			const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
			const changed = [...keys].filter((k) => !same(before[k], after[k]));
			if (changed.length > 0) {
				if (!lead) return forbid('Only a school improvement lead keeps a snapshot of the figures.');
				if (changed.some((k) => after[k] && after[k].takenBy !== user.name))
					return forbid('A snapshot of the figures is kept in your own name.');
			}
			if (lead) return ok;
			if (isHeadOf(user, schoolId!) && options.headsMayEnterFigures) return ok;
			return forbid(
				hasRole(user, 'head')
					? 'The trust has not asked headteachers to enter figures: send them to your SIL.'
					: 'Only a school improvement lead enters attainment figures.'
			);
		}
		case 'governors-copy':
			// Whoever sends the summary to the chair records it: the SIL, the head or the CEO.
			if (old) return forbid('A copy sent to governors cannot be changed; record a new one.');
			if (!(['sil', 'head', 'ceo'] as const).some((r) => hasRole(user, r)))
				return forbid('Only the SIL, the headteacher or the CEO records a copy sent.');
			return newDoc.by === user.name
				? ok
				: forbid('A copy sent must be recorded in your own name.');
		case 'governors-summary':
			// Written with the record of the copy sent, by whoever may record one; the chair of
			// governors only reads. Never changed: each term sends a new copy.
			if (old) return forbid('A copy sent to governors cannot be changed; send a new one.');
			if (!(['sil', 'head', 'ceo'] as const).some((r) => hasRole(user, r)))
				return forbid('Only the SIL, the headteacher or the CEO sends a copy to governors.');
			return newDoc.by === user.name ? ok : forbid('A copy sent must be in your own name.');
		case 'school-overview':
			// The CEO's own commentary and judgement; heads and SILs read it.
			if (!hasRole(user, 'ceo'))
				return forbid('Only the chief executive writes the school overview.');
			return newDoc.updatedBy === user.name
				? ok
				: forbid('A school overview must be saved under your own name.');
		case 'vulnerable-mark':
			return validateVulnerableMark(newDoc, old, user);
		case 'concern':
			return validateConcern(newDoc, old, user);
		case 'external-review':
			return validateExternalReview(newDoc, old, user);
		default:
			return forbid(`Only a trust administrator may write ${type} documents.`);
	}
}

/** A stamp set in this write (added or changed) is in the writer's own name. */
const stampedBy = (before: unknown, after: unknown, name: string | null): boolean =>
	same(before, after) || after === undefined || (after as { by?: unknown }).by === name;

function validateNextStep(
	newDoc: AnyDoc,
	old: AnyDoc | null,
	user: UserCtx,
	schoolId: string
): Verdict {
	// The visitor proposes and words the step; the headteacher replies to it (agrees, or not with a
	// reason), and that reply is the one thing a head may write on it.
	if (isHeadOf(user, schoolId)) {
		if (!old) return forbid('Only the visitor records agreed next steps.');
		const changed = changedFields(old, newDoc).filter((k) => !BOOKKEEPING.includes(k));
		if (!changed.every((k) => k === 'headReply')) {
			return forbid('A headteacher may agree or disagree with a next step but not change it.');
		}
		if (newDoc.headReply === undefined && old.headReply !== undefined) {
			return forbid('A reply to a next step is replaced by a new one, not removed.');
		}
		return stampedBy(old.headReply, newDoc.headReply, user.name)
			? ok
			: forbid('A reply to a next step must be in your own name.');
	}
	if (!actsAsSil(user, schoolId)) return forbid('Only the visitor records agreed next steps.');
	if (!old && newDoc.createdBy !== user.name) {
		return forbid('A next step must be recorded under your own name.');
	}
	if (
		old &&
		(newDoc.createdBy !== old.createdBy ||
			newDoc.createdAt !== old.createdAt ||
			!keepsName(old.createdByName, newDoc.createdByName))
	) {
		return forbid('Who recorded a next step, and when, cannot be changed.');
	}
	if (!same(newDoc.headReply, old?.headReply)) {
		return forbid('Only the headteacher agrees or disagrees with a next step.');
	}
	return ok;
}

function validateVulnerableMark(newDoc: AnyDoc, old: AnyDoc | null, user: UserCtx): Verdict {
	// The strategy's vulnerable route is the CEO's judgement; heads and SILs read it.
	if (!hasRole(user, 'ceo')) return forbid('Only the chief executive marks a school vulnerable.');
	if (newDoc.updatedBy !== user.name) {
		return forbid('A vulnerable mark must be saved under your own name.');
	}
	if (!old) {
		if (newDoc.markedBy !== user.name) return forbid('A school is marked in your own name.');
		if (newDoc.removed !== undefined) return forbid('A new mark cannot already be removed.');
		return ok;
	}
	if (newDoc.markedBy !== old.markedBy || newDoc.markedOn !== old.markedOn) {
		return forbid('Who marked the school vulnerable, and when, cannot be changed.');
	}
	if (old.removed !== undefined && !same(old.removed, newDoc.removed)) {
		return forbid('This mark was removed: mark the school vulnerable again instead.');
	}
	return stampedBy(old.removed, newDoc.removed, user.name)
		? ok
		: forbid('A mark is removed in your own name.');
}

/** The parts of a concern its SIL words; the CEO's part is what was done, and closing it. */
const CONCERN_WORDING = ['title', 'seen', 'level', 'visitId'];

function validateConcern(newDoc: AnyDoc, old: AnyDoc | null, user: UserCtx): Verdict {
	// A SIL alerts the CEO about a school they support; the CEO records what was done and closes
	// it. Nothing in it is ever removed, so a closed concern keeps its history.
	const changed = old ? changedFields(old, newDoc).filter((k) => !BOOKKEEPING.includes(k)) : [];
	if (newDoc.updatedBy !== user.name) {
		return forbid('A concern must be saved under your own name.');
	}
	if (hasRole(user, 'sil') && !hasRole(user, 'ceo')) {
		// A lead who is the school's own head does not raise concerns about it (`actsAsSil`).
		const schoolId = String(newDoc.schoolId);
		if (!user.roles.includes(`school:${schoolId}`) || !actsAsSil(user, schoolId)) {
			return forbid('Only a school improvement lead who supports this school raises a concern.');
		}
		if (!old) {
			if (newDoc.raisedBy !== user.name) return forbid('A concern is raised in your own name.');
			if ((newDoc.actions as unknown[]).length > 0 || newDoc.closed !== undefined) {
				return forbid('Only the chief executive records what was done about a concern.');
			}
			return ok;
		}
		if (old.raisedBy !== user.name) {
			return forbid('Only the lead who raised a concern may change how it is worded.');
		}
		if (old.closed !== undefined) return forbid('This concern was closed by the chief executive.');
		return changed.every((k) => CONCERN_WORDING.includes(k))
			? ok
			: forbid('Only the chief executive records what was done about a concern.');
	}
	if (!hasRole(user, 'ceo')) {
		return forbid('Only a school improvement lead raises a concern, for the chief executive.');
	}
	if (!old) return forbid('A concern is raised by the school improvement lead who saw it.');
	if (!changed.every((k) => k === 'actions' || k === 'closed' || k === 'updatedBy')) {
		return forbid('The chief executive records what was done but does not reword the concern.');
	}
	// Actions are keyed by id, so two devices adding one each both keep theirs (merged in any
	// order); an action once written stays as it was.
	const before = old.actions as { id?: unknown }[];
	const after = newDoc.actions as { id?: unknown; by?: unknown }[];
	const kept = before.every((a) => {
		const now = after.find((b) => b.id === a.id);
		return now !== undefined && same(now, a);
	});
	if (!kept) return forbid('What was done about a concern stays on record: add to it instead.');
	const known = new Set(before.map((a) => a.id));
	if (after.some((a) => !known.has(a.id) && a.by !== user.name)) {
		return forbid('What was done is recorded in your own name.');
	}
	if (old.closed !== undefined && !same(old.closed, newDoc.closed)) {
		return forbid('This concern is closed; record what else was done as an action.');
	}
	return stampedBy(old.closed, newDoc.closed, user.name)
		? ok
		: forbid('A concern is closed in your own name.');
}

/** Why only these two may write an inspection or review, in words. */
const REVIEWERS_ONLY =
	'Only a trust administrator or the chief executive records inspections and reviews.';

function validateExternalReview(newDoc: AnyDoc, old: AnyDoc | null, user: UserCtx): Verdict {
	// What Ofsted or a reviewer found is the trust's record, kept centrally (administrators pass
	// before this): the CEO hears the outcome first and leads the trust's reviews. A head or SIL
	// reads it; neither records a judgement on their own school or work.
	if (!hasRole(user, 'ceo')) return forbid(REVIEWERS_ONLY);
	if (newDoc.updatedBy !== user.name) {
		return forbid('An inspection or review must be saved under your own name.');
	}
	if (!old) {
		return newDoc.recordedBy === user.name
			? ok
			: forbid('An inspection or review is recorded in your own name.');
	}
	return newDoc.recordedBy === old.recordedBy
		? ok
		: forbid('Who recorded an inspection or review cannot be changed.');
}

/** A revision id as PouchDB and CouchDB make them: generation, dash, 32 hex digits. */
const isRev = (v: unknown): boolean =>
	typeof v === 'string' && /^[1-9]\d{0,9}-[0-9a-f]{32}$/.test(v);

/**
 * Whether a deletion may end the revision `rev`: when `rev` is in its history (replicated), or is
 * the revision it names (a direct write). Null when the deletion says neither.
 */
function deletes(doc: AnyDoc, rev: string): boolean | null {
	const r = doc._revisions as { start?: unknown; ids?: unknown } | undefined;
	if (r && typeof r.start === 'number' && Array.isArray(r.ids)) {
		const start = r.start;
		// The whole history counts, its first id too: CouchDB hands validate_doc_update a new edit
		// whose history starts at the revision it replaces (the new id is made after validation),
		// while a replicated tombstone's history starts at its own id, never the current revision.
		return r.ids.some((id, i) => `${start - i}-${String(id)}` === rev);
	}
	return typeof doc._rev === 'string' ? doc._rev === rev : null;
}

/** Whether `user` may append an addendum to `doc` (a visit record), by the rules themselves. */
function mayAddAddendum(doc: AnyDoc, user: UserCtx, db: string, options: RuleOptions): boolean {
	if (doc.type !== 'visit' || !Array.isArray(doc.addenda)) return false;
	const addendum = { id: 'settleaddend', by: user.name, at: '2000-01-01T00:00:00Z', text: '.' };
	const added = { ...doc, addenda: [...(doc.addenda as unknown[]), addendum] };
	return validateDocUpdate(added, doc, user, db, options).ok;
}

function validateDelete(
	newDoc: AnyDoc,
	oldDoc: AnyDoc | null,
	user: UserCtx,
	db: string,
	options: RuleOptions
): Verdict {
	if (isAdmin(user)) return ok;
	if (db === TRUST_DB) return forbid('Only a trust administrator may change trust settings.');
	if (options.schoolClosed) return forbid(CLOSED);
	if (!oldDoc || oldDoc._deleted) return ok;
	// Removing a version that is not the current one (a conflict settled by merging it into the
	// current one, issue 12) does not remove the record: whoever may change the record may do it.
	// On a confirmed record that is whoever may still add an addendum to it: the visitor's own edit,
	// refused because the record was confirmed meanwhile, reaches it as an addendum and its version
	// must then be ended, or the device holds a change it can never send.
	if (typeof oldDoc._rev === 'string' && deletes(newDoc, oldDoc._rev) === false) {
		const verdict = validateDocUpdate({ ...oldDoc }, oldDoc, user, db, options);
		return verdict.ok || mayAddAddendum(oldDoc, user, db, options)
			? ok
			: forbid('Only someone who may change this record may settle its versions.');
	}
	if (oldDoc.type === 'school-overview') return forbid('A school overview is never removed.');
	if (oldDoc.type === 'vulnerable-mark') {
		return forbid('A vulnerable mark is never deleted: remove the mark with a date and reason.');
	}
	if (oldDoc.type === 'concern') {
		return forbid('A concern is never deleted: the chief executive closes it instead.');
	}
	if (oldDoc.type === 'external-review') {
		// One recorded in error is removed by whoever may record them.
		return hasRole(user, 'ceo') ? ok : forbid(REVIEWERS_ONLY);
	}
	if (!actsAsSil(user, schoolIdFromDbName(db) ?? undefined)) {
		return forbid('Only the visitor may remove a record.');
	}
	if (oldDoc.type === 'visit' && oldDoc.status !== 'planned' && oldDoc.status !== 'draft') {
		return forbid('A visit record that has been shared with the headteacher cannot be removed.');
	}
	if (oldDoc.type === 'progress-update') return forbid('Progress updates are never removed.');
	// What a visitor recorded is theirs to remove (a visit planned or in draft, learning-walk notes,
	// a next step agreed by mistake); a school's figures and the copies sent to governors never go.
	if (oldDoc.type !== 'next-step' && oldDoc.type !== 'visit' && oldDoc.type !== 'learning-walk') {
		return forbid('Attainment figures and copies sent to governors are never removed.');
	}
	const owner = oldDoc.type === 'next-step' ? oldDoc.createdBy : oldDoc.visitor;
	return owner === user.name ? ok : forbid('Only the visitor who recorded it may remove it.');
}

function validateVisit(
	newDoc: AnyDoc,
	old: AnyDoc | null,
	user: UserCtx,
	schoolId: string
): Verdict {
	// Who did what is written only by that person, at the moment they act: the visitor never
	// changes, only the visitor shares, only the headteacher confirms, and an addendum is signed
	// by whoever appends it.
	if (old && (newDoc.visitor !== old.visitor || !keepsName(old.visitorName, newDoc.visitorName))) {
		return forbid('The visitor of a record cannot be changed.');
	}
	if (!appendedBy(old?.addenda, newDoc.addenda, user.name)) {
		return forbid('Addenda are only ever added, each in its author’s own name.');
	}
	if (!stampedBy(old?.beyondAllowance, newDoc.beyondAllowance, user.name)) {
		return forbid('Why a visit goes beyond the allowance is recorded in your own name.');
	}
	if (actsAsSil(user, schoolId) && (!old || old.visitor === user.name)) {
		if (!old) {
			if (newDoc.visitor !== user.name) return forbid('A visit must be recorded under your name.');
		} else if (old.status === 'confirmed') {
			// A confirmed record is locked: the only change is new addenda at the end (late changes
			// too long for one addendum are appended as several parts at once), and settling the
			// choices that reached it after the confirmation: a choice is only removed, never changed
			// or added, so what the record says stays as it was confirmed (the other version, if the
			// visitor keeps it, is one of the addenda).
			const changed = changedFields(old, newDoc).filter((k) => !BOOKKEEPING.includes(k));
			const oldAdd = old.addenda as unknown[];
			const newAdd = newDoc.addenda as unknown[];
			const locked =
				changed.length > 0 &&
				changed.every((k) => k === 'addenda' || k === 'choices') &&
				(!changed.includes('addenda') || newAdd.length > oldAdd.length) &&
				(!changed.includes('choices') || onlySettled(old.choices, newDoc.choices)) &&
				attachmentDigests(old) === attachmentDigests(newDoc);
			return locked
				? ok
				: forbid('This record was confirmed by the headteacher: add an addendum instead.');
		}
		if (newDoc.status === 'confirmed' || !same(newDoc.confirmation, old?.confirmation)) {
			return forbid('Only the headteacher confirms a record.');
		}
		if (!same(newDoc.disagreement, old?.disagreement)) {
			return forbid('Only the headteacher replies that a record is not agreed.');
		}
		const shared = newDoc.shared as { by?: unknown } | undefined;
		// Taking a record back to draft removes the stamp; setting one is in the sharer's own name.
		const unshared = shared === undefined && newDoc.status !== 'shared';
		if (!same(shared, old?.shared) && !unshared && shared?.by !== user.name) {
			return forbid('A record is shared in the name of the visitor who shares it.');
		}
		return ok;
	}
	if (isHeadOf(user, schoolId) && old) {
		// A head confirms what was shared; they never rewrite the visitor's record.
		const changed = changedFields(old, newDoc).filter((k) => !BOOKKEEPING.includes(k));
		const confirmation = newDoc.confirmation as { by?: string } | undefined;
		const sameFiles = attachmentDigests(old) === attachmentDigests(newDoc);
		// Confirming settles any disagreement the head had replied with: it may be cleared then.
		const confirms =
			old.status === 'shared' &&
			newDoc.status === 'confirmed' &&
			confirmation?.by === user.name &&
			changed.every((k) => k === 'status' || k === 'confirmation' || k === 'disagreement') &&
			(newDoc.disagreement === undefined || same(newDoc.disagreement, old.disagreement)) &&
			sameFiles;
		// Or the head replies that the shared record does not reflect what was discussed.
		const disagrees =
			old.status === 'shared' &&
			newDoc.status === 'shared' &&
			changed.every((k) => k === 'disagreement') &&
			newDoc.disagreement !== undefined &&
			(newDoc.disagreement as { by?: unknown }).by === user.name &&
			sameFiles;
		return confirms || disagrees
			? ok
			: forbid(
					'A headteacher may confirm a shared record, or say why they disagree, but not change what it says.'
				);
	}
	return forbid('Only the visitor who made this record may change it.');
}
