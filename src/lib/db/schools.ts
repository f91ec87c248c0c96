import { couchUrl } from '$lib/config';
import {
	freeSchoolId,
	nameKey,
	newItemId,
	recordSituationChange,
	School,
	SCHEMA_VERSION,
	governorsDbName,
	schoolDbName,
	schoolClash,
	schoolDocId,
	TRUST_DB,
	type SchoolDetails,
	type Situation,
	type SituationChangeInput
} from '$lib/domain';
import { createDoc, RecordRefused, type WriteContext } from './repository';
import { saveChanges } from './save-changes';

/**
 * Record a change of a school's category, strand or Carter stage (administrators only; the rules
 * refuse anyone else). The change is a new item of the school's history, merged onto the latest
 * registry document, so a change recorded on another device meanwhile is kept too.
 */
export async function changeSituation(
	ctx: WriteContext,
	base: School,
	input: SituationChangeInput,
	today: string
): Promise<School> {
	const at = new Date().toISOString();
	const stamp = { id: newItemId(), by: ctx.user.name ?? '', at, today };
	const draft = recordSituationChange(base, input, stamp);
	if (!draft.ok) throw new RecordRefused(draft.reason);
	return saveChanges(ctx, TRUST_DB, base._id, School, base, draft.school, {
		guard: (latest) => {
			if (latest.closed) throw new RecordRefused('This school has closed.');
		}
	});
}

/** Close a school: its records stay, read-only for everyone but administrators. */
export async function closeSchool(
	ctx: WriteContext,
	base: School,
	input: { on: string; reason: string }
): Promise<School> {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(input.on)) throw new RecordRefused('Give the date it closed.');
	if (input.reason.trim() === '') throw new RecordRefused('Say why the school closed.');
	const closed = {
		on: input.on,
		reason: input.reason.trim(),
		by: ctx.user.name ?? '',
		at: new Date().toISOString()
	};
	return saveChanges(ctx, TRUST_DB, base._id, School, base, { ...base, closed });
}

export interface NewSchoolInput extends SchoolDetails {
	situation: Situation;
}

/** The school's name, URN, phase and head as stored: trimmed, the empty optional ones left out. */
function detailFields(input: SchoolDetails) {
	return {
		name: input.name.trim(),
		...(input.urn.trim() ? { urn: input.urn.trim() } : {}),
		phase: input.phase,
		...(input.headteacher.trim() ? { headteacher: input.headteacher.trim() } : {})
	};
}

/**
 * The first thing wrong with a school as the registry would store it, refused in words, naming the
 * field it is about (`RecordRefused.field`).
 */
function checkDoc(doc: unknown): void {
	const parsed = School.safeParse(doc);
	if (parsed.success) return;
	const issue = parsed.error.issues[0];
	const at = String(issue?.path[0]);
	if (at === 'urn')
		throw new RecordRefused('A URN is 6 or 7 digits. Check it, or leave it empty.', 'urn');
	const field: Record<string, string> = {
		name: 'The school’s name',
		headteacher: 'The headteacher’s name',
		carterStage: 'The Carter stage'
	};
	throw new RecordRefused(
		`${field[at] ?? 'The school'} ${issue?.message ?? 'is not right'}.`,
		at in field ? at : undefined
	);
}

/**
 * Refuse details that are not a school's own: no name, or the name or URN of another school of the
 * trust (`schools`, closed ones too). `self` is the school being changed.
 */
function checkDetails(input: SchoolDetails, schools: readonly School[], self?: string) {
	if (nameKey(input.name) === '') throw new RecordRefused('Give the school’s name.', 'name');
	const clash = schoolClash(input, schools, self);
	// The name is said first (`schoolClash`): it is the URN's only when the name is the school's own.
	if (clash)
		throw new RecordRefused(
			clash,
			schoolClash({ ...input, urn: '' }, schools, self) ? 'name' : 'urn'
		);
}

/**
 * Correct a school's name, URN, phase or headteacher (administrators only; the rules refuse anyone
 * else). Its id, and so its records' database, never changes: every screen reads the name from
 * this document, so the correction shows everywhere after the next sync.
 */
export async function changeSchoolDetails(
	ctx: WriteContext,
	base: School,
	input: SchoolDetails,
	schools: readonly School[]
): Promise<School> {
	checkDetails(input, schools, base.id);
	// An optional field emptied is left out, as when the school was added.
	const draft: Partial<School> = { ...base };
	delete draft.urn;
	delete draft.headteacher;
	Object.assign(draft, detailFields(input));
	checkDoc(draft);
	return saveChanges(ctx, TRUST_DB, base._id, School, base, { ...draft, _id: base._id });
}

/**
 * Add a school to the trust. Its records need a database of their own on the trust's server, which
 * only the server can make, so this needs a connection; the registry entry is then written on the
 * device and sent as usual. `schools` are the trust's schools, closed ones too.
 */
export async function addSchool(
	ctx: WriteContext,
	input: NewSchoolInput,
	schools: readonly School[]
): Promise<School> {
	checkDetails(input, schools);
	const id = freeSchoolId(
		input.name,
		schools.map((s) => s.id)
	);
	const doc = {
		_id: schoolDocId(id),
		schemaVersion: SCHEMA_VERSION,
		type: 'school' as const,
		id,
		...detailFields(input),
		category: input.situation.category,
		strand: input.situation.strand,
		...(input.situation.strand === 'corrective' && input.situation.carterStage
			? { carterStage: input.situation.carterStage }
			: {})
	};
	checkDoc(doc);
	// The school's records, and the copies sent to its chair of governors (who may not read the
	// school's own: `governorsDbName`).
	for (const db of [schoolDbName(id), governorsDbName(id)]) {
		let res: Response;
		try {
			res = await fetch(`${couchUrl()}/${db}`, { method: 'PUT', credentials: 'include' });
		} catch {
			throw new RecordRefused(
				'Adding a school needs a connection to the trust’s server. Try again when online.'
			);
		}
		// 412: the database is there already (an earlier attempt got this far).
		if (!res.ok && res.status !== 412) {
			throw new RecordRefused(
				res.status === 401 || res.status === 403
					? 'Only a trust administrator may add a school. Sign in again if you are one.'
					: `The trust’s server could not make the school’s records (${res.status}).`
			);
		}
	}
	return createDoc(ctx, TRUST_DB, School, doc);
}
