import {
	choiceKey,
	itemKey,
	type ChoiceOption,
	type EditStamp,
	type FieldPath,
	type PendingChoice
} from '$lib/domain/changes';
import { joinTexts } from './join-text';

/**
 * The one merge every device runs alike (issue 12): a pure, deterministic three-way merge of two
 * versions of a record against the version they both started from. Used for
 * - a save: the person's edited copy (`a`) against the latest revision (`b`), from the revision the
 *   form opened on (`base`), so a save writes what the person changed and nothing else;
 * - an open form taking in changes that arrived from elsewhere (`prefer: 'a'`, `keep`), so text is
 *   never moved under the cursor;
 * - conflicting revisions after replication, folded pairwise in CouchDB's winner order.
 * Rules (documented in README.md beside this file):
 * - a field changed on one side only takes that side; changed the same way on both: that value;
 * - objects merge field by field; lists of keyed items (`itemKey`) merge by key: added on either side
 *   kept, removed on one side and unchanged on the other removed, removed on one side and changed on
 *   the other kept (nothing typed is dropped), changed on both merged item by item;
 * - the same value changed differently on both sides is a `PendingChoice` kept in `choices`, the
 *   record holding `a`'s value until a person chooses; with `prefer` the preferred side's value is
 *   taken without a choice (an open form's own typing); with `joinTexts` (a resolution, a save), a text
 *   both sides only added to, or changed in different lines, holds both changes (`join-text.ts`);
 * - `base === null` (the ancestor's body is gone): values that differ become choices, lists are unioned;
 * - bookkeeping fields (`_rev`, `updatedAt`, `edit`, `schemaVersion`) never conflict: the later wins;
 *   `_attachments` merge by name; `_conflicts`, `_revisions` are dropped;
 * - a merged list keeps `b`'s order, `a`'s items inserted after their nearest preceding surviving
 *   item (unless only `a` reordered the shared items: then `a`'s order leads); object keys keep the
 *   inputs' order (the role rules compare values as JSON text).
 * The result depends only on the inputs (no clock, no device id), so two devices that resolve the
 * same conflict write the same body and, with PouchDB's deterministic revisions, the same revision.
 */
export type Doc = { _id: string; _rev?: string } & Record<string, unknown>;

export interface MergeOptions {
	/** On a value changed differently on both sides, take this side's value without a choice. */
	prefer?: 'a' | 'b';
	/**
	 * Texts both sides only added to, or changed in different lines (`joinTexts`), are joined instead
	 * of becoming a choice: only when `base` is an ancestor of both sides (a resolution; a form's
	 * save, but not one from a kept note, whose base can be older than what the record holds of it).
	 */
	joinTexts?: boolean;
	/** Paths whose value always comes from `a` (the field a person is typing in). */
	keep?: FieldPath[];
	/** Who wrote each side, for the options of a new choice (defaults to each doc's `edit`). */
	stampA?: EditStamp;
	stampB?: EditStamp;
}

export interface MergeResult {
	doc: Doc;
	/** Choices this merge added (already in `doc.choices`). */
	added: PendingChoice[];
}

/** Who wrote a side when its document carries no `edit` stamp (records saved before issue 12). */
export const UNKNOWN_STAMP: EditStamp = {
	by: 'unknown',
	device: '',
	at: '1970-01-01T00:00:00.000Z'
};

/** Storage bookkeeping that is never part of a merged body: the database rebuilds it. */
const DROPPED = new Set([
	'_conflicts',
	'_revisions',
	'_deleted_conflicts',
	'_local_seq',
	'_deleted'
]);
/** Fields merged by their own rule, never by the generic one. */
const BOOKKEEPING = new Set(['_id', '_rev', 'updatedAt', 'edit', 'schemaVersion', '_attachments']);

/** A key missing from an object (as opposed to one holding `null`). */
const ABSENT: unique symbol = Symbol('absent');
type Val = unknown;

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with keys sorted: equal values, whatever their key order, give the same text. */
function canon(v: unknown): string {
	if (v === ABSENT || v === undefined) return '\u0000absent';
	if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
	if (isPlain(v)) {
		const keys = Object.keys(v)
			.filter((k) => v[k] !== undefined)
			.sort();
		return `{${keys.map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
	}
	return JSON.stringify(v);
}
const eq = (x: unknown, y: unknown) => x === y || canon(x) === canon(y);

/**
 * The keys of a merged object: a's in a's order, then b's others in b's order. Not sorted: the
 * role rules compare fields as JSON text (`changedFields` in rules.ts), so a merge that reordered
 * the keys of an unchanged value would look like a change to it. The same inputs still give the
 * same order on every device, replication keeping each body's key order.
 */
const keyOrder = (a: unknown, b: unknown): string[] => [
	...new Set([...(isPlain(a) ? Object.keys(a) : []), ...(isPlain(b) ? Object.keys(b) : [])])
];

const get = (o: unknown, k: string): Val =>
	isPlain(o) && Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined ? o[k] : ABSENT;

/** The keys of a list, or null when it cannot merge by key (an unkeyed or repeated item). */
function keysOf(list: unknown): string[] | null {
	if (!Array.isArray(list)) return null;
	const keys: string[] = [];
	const seen = new Set<string>();
	for (const item of list) {
		const k = itemKey(item);
		if (k === null || seen.has(k)) return null;
		seen.add(k);
		keys.push(k);
	}
	return keys;
}

/** Revision order: higher generation first, then the higher hash (CouchDB's winner rule). */
export function compareRevs(x: string, y: string): number {
	const [gx, hx = ''] = x.split('-');
	const [gy, hy = ''] = y.split('-');
	const d = Number(gy) - Number(gx);
	if (d !== 0) return d;
	return hx < hy ? 1 : hx > hy ? -1 : 0;
}

interface Conflict {
	path: string[];
	base: Val;
	a: Val;
	b: Val;
}

interface Ctx {
	baseKnown: boolean;
	prefer?: 'a' | 'b';
	/** With `joinTexts`: whether a's addition to a text goes first (it was written first). */
	join?: { aFirst: boolean };
	keep: string[][];
	conflicts: Conflict[];
}

const samePath = (x: readonly string[], y: readonly string[]) =>
	x.length === y.length && x.every((p, i) => p === y[i]);
const properPrefix = (x: readonly string[], y: readonly string[]) =>
	x.length < y.length && x.every((p, i) => p === y[i]);

/**
 * Merge one value. `base` is ABSENT when the key did not exist in the ancestor, and meaningless
 * when `ctx.baseKnown` is false. Returns ABSENT when the key should not exist in the result.
 */
function mergeValue(path: string[], base: Val, a: Val, b: Val, ctx: Ctx): Val {
	if (ctx.keep.some((k) => samePath(k, path))) return a;
	const underKeep = ctx.keep.some((k) => properPrefix(path, k));
	if (!underKeep) {
		if (eq(a, b)) return a;
		if (ctx.baseKnown) {
			if (eq(base, a)) return b;
			if (eq(base, b)) return a;
		}
	}
	if (isPlain(a) && isPlain(b)) return mergeObject(path, base, a, b, ctx);
	const ka = keysOf(a);
	const kb = keysOf(b);
	// An ancestor that was not a keyed list (absent, or saved before items had keys) adds nothing:
	// every item is then kept, as with no ancestor at all.
	if (ka && kb) {
		const baseList = ctx.baseKnown && keysOf(base) ? (base as unknown[]) : [];
		return mergeList(path, baseList, a as unknown[], b as unknown[], ctx);
	}
	if (underKeep) {
		// The field being typed in is inside a value that cannot be merged part by part.
		if (eq(a, b)) return a;
		if (ctx.baseKnown && eq(base, a)) return b;
		if (ctx.baseKnown && eq(base, b)) return a;
	}
	// Removed on one side, changed (or, without an ancestor, kept) on the other: keep the value.
	if (a === ABSENT) return b;
	if (b === ABSENT) return a;
	if (ctx.prefer) return ctx.prefer === 'a' ? a : b;
	if (ctx.join && ctx.baseKnown) {
		const joined = joinTexts(base, a, b, ctx.join.aFirst);
		if (joined !== null) return joined;
	}
	ctx.conflicts.push({ path, base: ctx.baseKnown ? base : ABSENT, a, b });
	return a;
}

/** Whether `x` was written before `y`: by time, then by person and device, then by text. */
function writtenFirst(x: EditStamp, y: EditStamp, a: unknown, b: unknown): boolean {
	for (const [p, q] of [
		[x.at, y.at],
		[x.by, y.by],
		[x.device, y.device],
		[canon(a), canon(b)]
	] as const) {
		if (p !== q) return p < q;
	}
	return true;
}

function mergeObject(path: string[], base: Val, a: Plain, b: Plain, ctx: Ctx): Plain {
	const out: Plain = {};
	for (const k of keyOrder(a, b)) {
		const v = mergeValue([...path, k], get(base, k), get(a, k), get(b, k), ctx);
		if (v !== ABSENT) out[k] = v;
	}
	return out;
}

/**
 * The order of a merged list: one side's order (b's, unless only a reordered the items it shares
 * with the ancestor), with the other side's surviving items inserted after their nearest preceding
 * surviving item (at the front when none precedes them).
 */
function order(primary: string[], secondary: string[], survives: (k: string) => boolean): string[] {
	const out = primary.filter(survives);
	const placed = new Set(out);
	let at = -1;
	for (const k of secondary) {
		if (placed.has(k)) {
			at = out.indexOf(k);
		} else if (survives(k)) {
			out.splice(at + 1, 0, k);
			placed.add(k);
			at += 1;
		}
	}
	return out;
}

function sharedOrder(list: string[], inAll: Set<string>): string {
	return list.filter((k) => inAll.has(k)).join('\u0000');
}

function mergeList(path: string[], base: unknown[], a: unknown[], b: unknown[], ctx: Ctx): Val {
	const index = (list: unknown[]) => new Map(list.map((item) => [itemKey(item) as string, item]));
	const [mb, ma, mbb] = [index(base), index(a), index(b)];
	const merged = new Map<string, unknown>();
	for (const k of new Set([...ma.keys(), ...mbb.keys()])) {
		const inA = ma.has(k);
		const inB = mbb.has(k);
		const inBase = ctx.baseKnown && mb.has(k);
		const baseItem = inBase ? mb.get(k) : ABSENT;
		let v: Val;
		if (inA && inB) v = mergeValue([...path, k], baseItem, ma.get(k), mbb.get(k), ctx);
		else {
			const item = inA ? ma.get(k) : mbb.get(k);
			// Added on one side: kept. Removed on the other: gone if it was unchanged, kept if changed.
			v = inBase && eq(item, baseItem) ? ABSENT : item;
		}
		if (v !== ABSENT) merged.set(k, v);
	}
	const keysA = [...ma.keys()];
	const keysB = [...mbb.keys()];
	const inAll = new Set(keysA.filter((k) => mbb.has(k) && mb.has(k)));
	const baseOrder = sharedOrder([...mb.keys()], inAll);
	const aFirst =
		ctx.baseKnown &&
		sharedOrder(keysB, inAll) === baseOrder &&
		sharedOrder(keysA, inAll) !== baseOrder;
	const keys = aFirst
		? order(keysA, keysB, (k) => merged.has(k))
		: order(keysB, keysA, (k) => merged.has(k));
	return keys.map((k) => merged.get(k));
}

/** The later of two ISO timestamps (or strings), else whichever exists. */
function later(x: unknown, y: unknown): unknown {
	if (typeof x !== 'string') return y === undefined ? x : y;
	if (typeof y !== 'string') return x;
	return y > x ? y : x;
}

function laterStamp(x: unknown, y: unknown): unknown {
	const at = (s: unknown) => (isPlain(s) && typeof s.at === 'string' ? s.at : '');
	if (!isPlain(x)) return isPlain(y) ? y : undefined;
	if (!isPlain(y)) return x;
	return at(y) > at(x) ? y : x;
}

/** Attachments merge by name; a changed attachment (same name, new digest) takes a's. */
function mergeAttachments(base: unknown, a: unknown, b: unknown, baseKnown: boolean): unknown {
	const pa = isPlain(a) ? a : {};
	const pb = isPlain(b) ? b : {};
	const pbase = baseKnown && isPlain(base) ? base : {};
	const digest = (v: unknown) => (isPlain(v) ? String(v.digest ?? canon(v)) : '');
	const out: Plain = {};
	for (const name of keyOrder(pa, pb)) {
		const inA = name in pa;
		const inB = name in pb;
		if (inA && inB) {
			out[name] = baseKnown && digest(pa[name]) === digest(pbase[name]) ? pb[name] : pa[name];
			continue;
		}
		const att = inA ? pa[name] : pb[name];
		if (name in pbase && digest(att) === digest(pbase[name])) continue;
		out[name] = att;
	}
	// No attachments left: the key goes, as PouchDB treats `{}` and none alike.
	return Object.keys(out).length > 0 ? out : undefined;
}

const stampOf = (doc: Doc, given?: EditStamp): EditStamp => {
	if (given) return given;
	const e = doc.edit;
	if (isPlain(e) && typeof e.by === 'string' && typeof e.at === 'string')
		return {
			by: e.by,
			...(typeof e.name === 'string' && e.name ? { name: e.name } : {}),
			device: typeof e.device === 'string' ? e.device : '',
			at: e.at
		};
	return UNKNOWN_STAMP;
};

const option = (value: unknown, stamp: EditStamp): ChoiceOption => ({
	value,
	by: stamp.by,
	...(stamp.name ? { name: stamp.name } : {}),
	device: stamp.device,
	at: stamp.at
});

function asChoices(v: unknown): PendingChoice[] {
	return Array.isArray(v)
		? (v.filter((c) => isPlain(c) && Array.isArray(c.path)) as PendingChoice[])
		: [];
}

/** Two versions of the same choice: every option of both, a's first, each value once. */
function unionChoice(a: PendingChoice, b: PendingChoice): PendingChoice {
	const options = [...a.options];
	for (const o of b.options) if (!options.some((x) => eq(x.value, o.value))) options.push(o);
	return { ...a, options };
}

/**
 * `choices` is a list keyed by path: a choice resolved (removed) on one side and untouched on the
 * other is gone; one that gained options on both sides keeps them all.
 */
function mergeChoices(base: unknown, a: unknown, b: unknown, baseKnown: boolean): PendingChoice[] {
	const la = asChoices(a);
	const lb = asChoices(b);
	const lbase = baseKnown ? asChoices(base) : [];
	const key = (c: PendingChoice) => choiceKey(c.path);
	const [ma, mb, mbase] = [la, lb, lbase].map((l) => new Map(l.map((c) => [key(c), c])));
	const out = new Map<string, PendingChoice>();
	for (const k of new Set([...ma!.keys(), ...mb!.keys()])) {
		const ca = ma!.get(k);
		const cb = mb!.get(k);
		const cbase = mbase!.get(k);
		if (ca && cb) out.set(k, eq(ca, cb) ? ca : unionChoice(ca, cb));
		else {
			const c = (ca ?? cb)!;
			if (cbase && eq(c, cbase)) continue;
			out.set(k, c);
		}
	}
	return order([...mb!.keys()], [...ma!.keys()], (k) => out.has(k)).map((k) => out.get(k)!);
}

/**
 * Merge two versions of a record against the version they both started from (null when that
 * version's body is gone). See the rules above.
 */
export function merge3(base: Doc | null, a: Doc, b: Doc, options: MergeOptions = {}): MergeResult {
	const baseKnown = base !== null;
	const stampA = stampOf(a, options.stampA);
	const stampB = stampOf(b, options.stampB);
	const ctx: Ctx = {
		baseKnown,
		prefer: options.prefer,
		keep: (options.keep ?? []).map((p) => [...p]),
		conflicts: [],
		...(options.joinTexts ? { join: { aFirst: writtenFirst(stampA, stampB, a, b) } } : {})
	};
	const out: Plain = {};
	const fields = keyOrder(a, b).filter(
		(k) => !DROPPED.has(k) && !BOOKKEEPING.has(k) && k !== 'choices'
	);
	for (const k of fields) {
		const v = mergeValue([k], get(base, k), get(a, k), get(b, k), ctx);
		if (v !== ABSENT) out[k] = v;
	}

	out._id = b._id;
	const revs = [a._rev, b._rev].filter((r): r is string => typeof r === 'string');
	if (revs.length > 0) out._rev = revs.sort(compareRevs)[0];
	const updatedAt = later(a.updatedAt, b.updatedAt);
	if (updatedAt !== undefined) out.updatedAt = updatedAt;
	const edit = laterStamp(a.edit, b.edit);
	if (edit !== undefined) out.edit = edit;
	const sv = [a.schemaVersion, b.schemaVersion].filter((v) => v !== undefined);
	if (sv.length > 0)
		out.schemaVersion = sv.every((v) => typeof v === 'number')
			? Math.max(...(sv as number[]))
			: sv[0];
	const atts = mergeAttachments(base?._attachments, a._attachments, b._attachments, baseKnown);
	if (atts !== undefined) out._attachments = atts;

	const choices = mergeChoices(base?.choices, a.choices, b.choices, baseKnown);
	const added: PendingChoice[] = [];
	for (const c of ctx.conflicts) {
		const k = choiceKey(c.path);
		const existing = choices.findIndex((x) => choiceKey(x.path) === k);
		if (existing >= 0) {
			// The record holds a's value, so a's option leads; every earlier option stays.
			const prev = choices[existing]!;
			const rest = prev.options.filter((o) => !eq(o.value, c.a));
			const first = prev.options.find((o) => eq(o.value, c.a)) ?? option(c.a, stampA);
			const opts = [first, ...rest];
			if (!opts.some((o) => eq(o.value, c.b))) opts.push(option(c.b, stampB));
			choices[existing] = { ...prev, options: opts };
			continue;
		}
		const choice: PendingChoice = {
			path: c.path,
			...(c.base !== ABSENT ? { base: c.base } : {}),
			baseKnown,
			options: [option(c.a, stampA), option(c.b, stampB)]
		};
		choices.push(choice);
		added.push(choice);
	}
	if (choices.length > 0 || 'choices' in a || 'choices' in b) {
		if (choices.length > 0) out.choices = choices;
		else if (eq(base?.choices ?? ABSENT, a.choices ?? ABSENT) ? 'choices' in b : 'choices' in a)
			out.choices = [];
	}
	// Bookkeeping was set after the fields: put every key back in the inputs' order.
	const doc: Plain = {};
	for (const k of keyOrder(a, b)) if (k in out) doc[k] = out[k];
	for (const k of Object.keys(out)) if (!(k in doc)) doc[k] = out[k];
	return { doc: doc as Doc, added };
}

/**
 * Conflicting leaves of one document, folded into one body the same way on every device: in
 * CouchDB's winner order (whatever order they were read in), each next leaf merged into the result
 * so far against its common ancestor with the winner. The result keeps the winner's `_rev`.
 */
export function foldLeaves(
	leaves: Doc[],
	ancestorOf: (winner: Doc, leaf: Doc) => Doc | null,
	options: Pick<MergeOptions, 'joinTexts'> = {}
): MergeResult {
	const ordered = [...leaves].sort((x, y) => compareRevs(x._rev ?? '0-', y._rev ?? '0-'));
	const winner = ordered[0];
	if (!winner) throw new Error('foldLeaves needs at least one leaf');
	let doc: Doc = winner;
	for (const leaf of ordered.slice(1)) {
		doc = merge3(ancestorOf(winner, leaf), doc, leaf, options).doc;
	}
	const before = new Set(
		ordered.flatMap((l) => asChoices(l.choices).map((c) => choiceKey(c.path)))
	);
	const added = asChoices(doc.choices).filter((c) => !before.has(choiceKey(c.path)));
	const out: Doc = { ...doc, _id: winner._id };
	for (const k of DROPPED) delete out[k];
	if (winner._rev !== undefined) out._rev = winner._rev;
	else delete out._rev;
	return { doc: out, added };
}
