import type { z } from 'zod';
import { describeIssues, validateDocUpdate, type UserCtx } from '$lib/domain';

/** A write the app will not make, in words the person can act on. */
export class RecordRefused extends Error {
	override name = 'RecordRefused';
	/** The form's field the refusal is about, where it is one field's: said beside that field. */
	readonly field: string | undefined;
	constructor(message: string, field?: string) {
		super(message);
		this.field = field;
	}
}

/** Who is writing, and where their local databases are. */
export interface WriteContext {
	user: UserCtx;
	dbFor: (db: string) => PouchDB.Database;
	/** This device's name as people see it (`deviceName()`), stamped on every edit. */
	device?: string;
	/** The person's full name from their account, written on what they sign (`PersonName`). */
	fullName?: string;
	/**
	 * A save may join a text both sides changed apart (`joinTexts` in merge.ts), as a conflict's
	 * resolution does: set by a form whose base is an ancestor of both the person's draft and the
	 * latest revision. Not for typing taken back from a kept note, whose base can be older than what
	 * the record already holds of that typing (joining would write it twice).
	 */
	joinTexts?: boolean;
}

/** The full name to write beside the user name, when the account has one of its own. */
export function writtenName(ctx: WriteContext): { name?: string } {
	const full = ctx.fullName?.trim();
	return full && full !== ctx.user.name ? { name: full } : {};
}

type Doc = { _id: string; _rev?: string } & Record<string, unknown>;

const kindOf = (doc: unknown) => {
	const type = (doc as { type?: unknown } | null)?.type;
	return typeof type === 'string' ? type : undefined;
};

/**
 * Check a document as the server will (schema and role rules) before it is written, so a refusal
 * is shown at once rather than after the next sync.
 */
function check<T extends z.ZodType>(
	ctx: WriteContext,
	db: string,
	schema: T,
	doc: unknown,
	old: Doc | null
): z.infer<T> {
	const parsed = schema.safeParse(doc);
	if (!parsed.success) throw new RecordRefused(describeIssues(parsed.error, kindOf(doc)));
	// Validate the document as given (zod strips nothing we need, but rules look at the raw fields).
	const verdict = validateDocUpdate(doc as Doc, old, ctx.user, db);
	if (!verdict.ok) throw new RecordRefused(verdict.reason);
	return doc as z.infer<T>;
}

/** Write a new document. */
export async function createDoc<T extends z.ZodType>(
	ctx: WriteContext,
	db: string,
	schema: T,
	doc: z.input<T> & Doc
): Promise<z.infer<T>> {
	const valid = check(ctx, db, schema, doc, null) as Doc;
	const res = await ctx.dbFor(db).put(valid);
	return { ...valid, _rev: res.rev } as z.infer<T>;
}

function isConflict(err: unknown): boolean {
	return typeof err === 'object' && err !== null && (err as { status?: number }).status === 409;
}

/**
 * Change a document by applying `mutate` to its latest local revision. If another write (a sync, a
 * second tab) got there first, the change is applied again on top of it: no edit is lost.
 */
export async function updateDoc<T extends z.ZodType>(
	ctx: WriteContext,
	db: string,
	id: string,
	schema: T,
	mutate: (current: z.infer<T>) => z.infer<T>
): Promise<z.infer<T>> {
	const local = ctx.dbFor(db);
	for (let attempt = 0; ; attempt++) {
		const current = (await local.get(id)) as Doc;
		const next = { ...(mutate(current as z.infer<T>) as Doc), _id: id, _rev: current._rev };
		const valid = check(ctx, db, schema, next, current) as Doc;
		try {
			const res = await local.put(valid);
			return { ...valid, _rev: res.rev } as z.infer<T>;
		} catch (err) {
			if (!isConflict(err) || attempt >= 5) throw err;
		}
	}
}

export async function getDoc<T extends z.ZodType>(
	ctx: WriteContext,
	db: string,
	id: string,
	schema: T
): Promise<z.infer<T> | null> {
	try {
		return schema.parse(await ctx.dbFor(db).get(id)) as z.infer<T>;
	} catch (err) {
		if ((err as { status?: number }).status === 404) return null;
		throw err;
	}
}
