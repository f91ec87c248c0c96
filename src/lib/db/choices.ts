import type { z } from 'zod';
import {
	choiceKey,
	itemKey,
	newItemId,
	SCHEMAS,
	validateDocUpdate,
	type DocType,
	type EditStamp,
	type PendingChoice,
	type UserCtx
} from '$lib/domain';
import {
	fieldLabel,
	fullName,
	isFreeText,
	personName,
	recordName,
	valueAt,
	valueText,
	type NameContext,
	type RecordName
} from './names';
import { RecordRefused, updateDoc, type WriteContext } from './repository';
import { planResolution, type Overfull } from '$lib/sync/resolve';
import { addendaInParts, isConfirmedVisit, type Addendum } from '$lib/sync/late-changes';
import { formatDateTime, formatMoment } from '$lib/format';

/**
 * The choices a person makes when the same text was changed differently in two places (issue 12).
 * The merge keeps every option in the record's `choices`; choosing is a normal change of the latest
 * revision through the repository (schema and rules checked, edit stamp set), which removes the
 * choice, so it replicates and is checked like any other edit.
 */

type Doc = { _id: string; _rev?: string; _conflicts?: string[] } & Record<string, unknown>;

export interface OptionView {
	/** The value as stored, written back as it is when chosen. */
	value: unknown;
	text: string;
	/** Who typed it, as this person reads it: "Jane Doe (you)". */
	who: string;
	/** Who typed it, as everyone reads it: what goes into the record's own text. */
	author: string;
	device: string;
	at: string;
	/** The record says this one now (the first option until a person chooses). */
	inRecord: boolean;
}

export interface ChoiceView {
	key: string;
	label: string;
	options: OptionView[];
	/** What both started from, in words, or null when it is not known. */
	base: string | null;
	/** Texts a person typed: they can be kept both, or edited together. */
	text: boolean;
}

export interface RecordChoices {
	db: string;
	docId: string;
	name: RecordName;
	choices: ChoiceView[];
}

/**
 * Whether this person may make the record's choices: the change a choice makes (another option's
 * value, the choice removed) passes the role rules. A head seeing choices in the visitor's record
 * may not; the visitor chooses. On a record the head has confirmed, no version can take another's
 * place: its visitor settles the choice instead (`settleConfirmedChoice`), and this says whether
 * they may (the choice removed, nothing else changed).
 */
export function mayChoose(doc: Doc, db: string, user: UserCtx): boolean {
	const pending = (doc.choices ?? []) as PendingChoice[];
	const first = pending[0];
	if (!first) return false;
	let candidate: Doc;
	try {
		candidate = isConfirmedVisit(doc)
			? { ...doc }
			: setAt(doc, first.path, first.options[1]?.value);
	} catch {
		candidate = { ...doc };
	}
	const rest = pending.slice(1);
	if (rest.length > 0) candidate.choices = rest;
	else delete candidate.choices;
	return validateDocUpdate(candidate, doc, user, db).ok;
}

/** Where a record is opened, so the screen can link to it. */
export type RecordLink =
	| { page: 'visit' | 'walk' | 'next-step'; id: string }
	| { page: 'overview' | 'attainment'; schoolId: string };

export function recordLink(doc: Doc): RecordLink | null {
	const type = String(doc.type ?? '');
	const schoolId = typeof doc.schoolId === 'string' ? doc.schoolId : null;
	if (type === 'visit') return { page: 'visit', id: doc._id };
	if (type === 'learning-walk' && typeof doc.visitId === 'string') {
		return { page: 'walk', id: doc.visitId };
	}
	if (type === 'next-step') return { page: 'next-step', id: doc._id };
	if (type === 'school-overview' && schoolId) return { page: 'overview', schoolId };
	if (type === 'attainment-booklet' && schoolId) return { page: 'attainment', schoolId };
	return null;
}

async function latest(ctx: WriteContext, db: string, id: string): Promise<Doc | null> {
	try {
		return (await ctx.dbFor(db).get(id, { conflicts: true })) as Doc;
	} catch (err) {
		if ((err as { status?: number }).status === 404) return null;
		throw err;
	}
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A record's choices in people's words. */
export function describeChoices(
	db: string,
	doc: Doc,
	names: NameContext,
	me: { name: string; fullName: string } | null
): RecordChoices {
	const pending = (doc.choices ?? []) as PendingChoice[];
	return {
		db,
		docId: doc._id,
		name: recordName(db, doc, names),
		choices: pending.map((c) => {
			const now = JSON.stringify(valueAt(doc, c.path));
			const held = c.options.findIndex((o) => JSON.stringify(o.value) === now);
			return {
				key: choiceKey(c.path),
				label: fieldLabel(doc, c.path, names),
				options: c.options.map((o, i) => ({
					value: o.value,
					text: valueText(doc, c.path, o.value, names),
					who: personName(o.by, me, o.name, names.people),
					author:
						me && o.by === me.name && me.fullName
							? me.fullName
							: fullName(o.by, o.name, names.people),
					device: o.device,
					at: o.at,
					inRecord: i === (held === -1 ? 0 : held)
				})),
				base: c.baseKnown ? valueText(doc, c.path, c.base, names) : null,
				text: isFreeText(
					c.path,
					c.options.map((o) => o.value)
				)
			};
		})
	};
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

/**
 * When each version of a choice was typed, in words ("today at 14:05"). Versions by one person on
 * one device that read alike to the minute (typed in two tabs of one browser) are told apart: to
 * the second, and which was typed first ("today at 14:05:12, the earlier of the two"); what
 * differs then is when, as the person remembers typing them.
 */
export function optionMoments(
	options: readonly Pick<OptionView, 'who' | 'device' | 'at'>[],
	now = new Date()
): string[] {
	const minute = options.map((o) => formatMoment(o.at, now));
	return options.map((o, i) => {
		const alike = options
			.map((p, j) => ({ p, j }))
			.filter(({ p, j }) => p.who === o.who && p.device === o.device && minute[j] === minute[i]);
		if (alike.length < 2) return minute[i]!;
		const order = [...alike].sort((a, b) => Date.parse(a.p.at) - Date.parse(b.p.at) || a.j - b.j);
		const rank = order.findIndex(({ j }) => j === i);
		const which =
			alike.length === 2
				? rank === 0
					? 'the earlier of the two'
					: 'the later of the two'
				: `the ${ORDINALS[rank] ?? `number ${rank + 1}`} of ${alike.length}`;
		return `${formatMoment(o.at, now, true)}, ${which}`;
	});
}

/** A record of this device holding choices, for the screen that asks for them. */
export interface ChoiceRecord extends RecordChoices {
	href: RecordLink | null;
	/** Whether this person may make its choices now, a version taking another's place. */
	mine: boolean;
	/** Its visitor, named: they choose. */
	owner: string | null;
	/**
	 * This person's own record, confirmed by the head before a version was chosen: they settle its
	 * choices (`settleConfirmedChoice`) rather than make them.
	 */
	lockedAs: 'confirmed' | null;
}

/** The records of this device that hold choices, read from the local databases. */
export async function loadRecordChoices(
	ctx: WriteContext,
	rows: { db: string; docId: string }[],
	names: NameContext,
	me: { name: string; fullName: string } | null
): Promise<ChoiceRecord[]> {
	const out: ChoiceRecord[] = [];
	for (const row of rows) {
		const doc = await latest(ctx, row.db, row.docId);
		if (!doc || !Array.isArray(doc.choices) || doc.choices.length === 0) continue;
		const owner =
			typeof doc.visitor === 'string'
				? personName(doc.visitor, me, str(doc.visitorName), names.people)
				: null;
		const may = mayChoose(doc, row.db, ctx.user);
		const locked = may && isConfirmedVisit(doc);
		out.push({
			// Named for the person choosing: the school's head reads "Your confirmation".
			...describeChoices(row.db, doc, { ...names, reader: ctx.user }, me),
			href: recordLink(doc),
			mine: may && !locked,
			owner,
			lockedAs: locked ? 'confirmed' : null
		});
	}
	return out;
}

/** A record changed on two devices that is not put together yet, and whether this device may. */
export interface Unsettled {
	db: string;
	docId: string;
	name: RecordName;
	href: RecordLink | null;
	/** This person may not change the record: the other person's device puts it together. */
	othersToSettle: boolean;
	/** Who else changed it, when the record says. */
	other: string | null;
	/**
	 * Why this device cannot put the versions together by itself, in people's words (together they
	 * hold more than a record may): the person removes what is no longer needed, then it can.
	 */
	tooMuch: string[];
}

const LISTS: Record<string, string> = {
	attendees: 'people in Who attended',
	documents: 'documents',
	activities: 'activities',
	discussion: 'discussion areas',
	evaluations: 'evaluations',
	addenda: 'addenda',
	lookFors: 'look-fors',
	rooms: 'rooms',
	seen: 'look-fors seen in one room',
	photos: 'photos of one room',
	choices: 'choices waiting'
};

/** "The two versions together have 32 discussion areas; a record holds at most 30." */
export function overfullText(o: Overfull): string {
	const field = [...o.path].reverse().find((k): k is string => typeof k === 'string') ?? '';
	const what = LISTS[field] ?? 'items in one list';
	return `Together the versions have ${o.count} ${what}; a record holds at most ${o.max}.`;
}

export async function loadUnsettled(
	ctx: WriteContext,
	rows: { db: string; docId: string }[],
	names: NameContext,
	me: { name: string; fullName: string } | null
): Promise<Unsettled[]> {
	const out: Unsettled[] = [];
	for (const row of rows) {
		const doc = await latest(ctx, row.db, row.docId);
		if (!doc || !doc._conflicts?.length) continue;
		const mayWrite = validateDocUpdate(doc, doc, ctx.user, row.db).ok;
		const plan = mayWrite
			? await planResolution({ user: ctx.user, db: row.db, local: ctx.dbFor(row.db) }, row.docId)
			: null;
		const edit = doc.edit as EditStamp | undefined;
		const by = edit?.by ?? (doc.visitor as string | undefined);
		const written = edit ? edit.name : str(doc.visitorName);
		out.push({
			db: row.db,
			docId: row.docId,
			name: recordName(row.db, doc, names),
			href: recordLink(doc),
			othersToSettle: !mayWrite,
			other: by && by !== ctx.user.name ? personName(by, me, written, names.people) : null,
			tooMuch: plan?.kind === 'invalid' ? plan.overfull.map(overfullText) : []
		});
	}
	return out;
}

/**
 * Both texts kept, each marked with who wrote it, where: by their full name, since the record is
 * read by everyone (never "you").
 */
export function joinTexts(options: OptionView[]): string {
	return options
		.map((o) => `[${o.author}, ${o.device || 'another device'}]\n${String(o.value)}`)
		.join('\n\n');
}

/** A copy of `doc` with `value` at `path` (list items by their key); undefined removes it. */
export function setAt(doc: Doc, path: readonly string[], value: unknown): Doc {
	const put = (here: unknown, rest: readonly string[]): unknown => {
		const [step, ...more] = rest;
		if (step === undefined) return value;
		if (Array.isArray(here)) {
			const i = here.findIndex((item) => itemKey(item) === step);
			if (i === -1) {
				if (more.length === 0 && value !== undefined) return [...here, value];
				throw new RecordRefused(
					'That part of the record has been removed since. Open the record to add the text again.'
				);
			}
			if (more.length === 0 && value === undefined) return here.filter((_, j) => j !== i);
			return here.map((item, j) => (j === i ? put(item, more) : item));
		}
		const o = typeof here === 'object' && here !== null ? (here as Record<string, unknown>) : {};
		const next = { ...o };
		const inner = put(o[step], more);
		if (inner === undefined) delete next[step];
		else next[step] = inner;
		return next;
	};
	return put(doc, path) as Doc;
}

/**
 * Make a choice: the value goes at the choice's place in the latest revision and the choice is
 * removed, in one checked write. If the choice is no longer there (made on another device
 * meanwhile), nothing is written and false is returned.
 */
export async function choose(
	ctx: WriteContext,
	db: string,
	docId: string,
	key: string,
	value: unknown,
	stamp: EditStamp
): Promise<boolean> {
	const current = await latest(ctx, db, docId);
	if (!current) throw new RecordRefused('This record is no longer on this device.');
	const type = String(current.type ?? '') as DocType;
	const schema = SCHEMAS[type]?.schema as z.ZodType<Doc> | undefined;
	if (!schema) throw new RecordRefused('This kind of record cannot be changed here.');
	if (!((current.choices ?? []) as PendingChoice[]).some((c) => choiceKey(c.path) === key)) {
		return false;
	}
	try {
		await updateDoc(ctx, db, docId, schema, (raw) => {
			const doc = raw as Doc;
			const pending = (doc.choices ?? []) as PendingChoice[];
			const choice = pending.find((c) => choiceKey(c.path) === key);
			// Made on another device between the read and the write: nothing is written.
			if (!choice) throw new AlreadySettled();
			const next = setAt(doc, choice.path, value);
			const rest = pending.filter((c) => c !== choice);
			if (rest.length > 0) next.choices = rest;
			else delete next.choices;
			next.edit = stamp;
			if (typeof next.updatedAt === 'string') next.updatedAt = stamp.at;
			if (typeof next.updatedBy === 'string') {
				next.updatedBy = stamp.by;
				if (stamp.name) next.updatedByName = stamp.name;
				else delete next.updatedByName;
			}
			delete next._conflicts;
			return next;
		});
	} catch (err) {
		if (err instanceof AlreadySettled) return false;
		throw err;
	}
	return true;
}

/** Records named as people know them (the Sync page's lists), read from the local databases. */
export async function describeRecords(
	ctx: WriteContext,
	refs: { db: string; id: string }[],
	names: NameContext
): Promise<{ db: string; id: string; name: RecordName; href: RecordLink | null }[]> {
	return Promise.all(
		refs.map(async ({ db, id }) => {
			const doc = await latest(ctx, db, id).catch(() => null);
			return { db, id, name: recordName(db, doc, names), href: doc ? recordLink(doc) : null };
		})
	);
}

/**
 * The versions of a choice the confirmed record does not hold, as addenda in the visitor's name
 * (several parts when they are long), each saying who typed it, where and when.
 */
export function otherVersionAddenda(
	choice: ChoiceView,
	by: string,
	at: string,
	id: string
): Addendum[] {
	const lines = choice.options
		.filter((o) => !o.inRecord)
		.map(
			(o) => `[${o.author}, ${o.device || 'another device'}, ${formatDateTime(o.at)}]\n${o.text}`
		);
	const heading = `Another version of “${choice.label}”, typed before the headteacher confirmed this record (not part of what was confirmed)`;
	return addendaInParts(heading, lines, by, at, id);
}

/**
 * Settle a choice that reached a record after the headteacher confirmed it (its visitor only).
 * What was confirmed stays as it is; the other version is appended as an addendum when
 * `keepOther`, or left out when the visitor says it no longer matters. One checked write, which
 * the rules allow on a confirmed record because it only removes the choice and appends. False
 * when the choice was settled on another device meanwhile.
 */
export async function settleConfirmedChoice(
	ctx: WriteContext,
	db: string,
	docId: string,
	choice: ChoiceView,
	keepOther: boolean,
	stamp: EditStamp
): Promise<boolean> {
	const current = await latest(ctx, db, docId);
	if (!current) throw new RecordRefused('This record is no longer on this device.');
	const schema = SCHEMAS.visit.schema as unknown as z.ZodType<Doc>;
	if (!isConfirmedVisit(current)) {
		throw new RecordRefused('This record is not confirmed: choose the version it keeps instead.');
	}
	const settledHere = (doc: Doc) =>
		((doc.choices ?? []) as PendingChoice[]).find((c) => choiceKey(c.path) === choice.key);
	if (!settledHere(current)) return false;
	try {
		await updateDoc(ctx, db, docId, schema, (raw) => {
			const doc = raw as Doc;
			const settled = settledHere(doc);
			// Settled on another device between the read and the write: nothing is written.
			if (!settled) throw new AlreadySettled();
			const pending = (doc.choices ?? []) as PendingChoice[];
			const next: Doc = { ...doc };
			const rest = pending.filter((c) => c !== settled);
			if (rest.length > 0) next.choices = rest;
			else delete next.choices;
			if (keepOther) {
				const addenda = Array.isArray(doc.addenda) ? doc.addenda : [];
				const added = otherVersionAddenda(choice, stamp.by, stamp.at, newItemId()).map((a) =>
					stamp.name ? { ...a, name: stamp.name } : a
				);
				next.addenda = [...addenda, ...added];
			}
			next.edit = stamp;
			if (typeof next.updatedAt === 'string') next.updatedAt = stamp.at;
			delete next._conflicts;
			return next;
		});
	} catch (err) {
		if (err instanceof AlreadySettled) return false;
		throw err;
	}
	return true;
}

class AlreadySettled extends Error {}
