import { itemKey, type FieldPath } from '$lib/domain';
import { valueAt } from '$lib/db/names';
import { merge3, type Doc } from '$lib/sync/merge';

/** Plain-data equality (documents are JSON). */
export function same(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (Array.isArray(a) || Array.isArray(b)) {
		if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
		return a.every((x, i) => same(x, b[i]));
	}
	if (!isObject(a) || !isObject(b)) return false;
	const ka = Object.keys(a).filter((k) => a[k] !== undefined);
	const kb = Object.keys(b).filter((k) => b[k] !== undefined);
	return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyed(v: unknown): v is unknown[] {
	return Array.isArray(v) && v.every((item) => itemKey(item) !== null);
}

/**
 * The base a form carries on with after it took in a newer revision (`incoming`), given the base
 * it had (`old`) and its draft after taking it in (`draft`).
 *
 * Where the draft agrees with the incoming revision, the base is the incoming value: those values
 * are settled, and a later save must not see them as the person's own change. Where they disagree
 * (the person's unsaved typing, or the field they are in, kept as it was), the base stays the old
 * value, so the next save still sees both sides changed, and a same-field clash is kept as a
 * choice rather than the person's text silently replacing the other.
 */
export function rebase(old: unknown, draft: unknown, incoming: unknown): unknown {
	if (same(draft, incoming)) return incoming;
	if (isObject(draft) && isObject(incoming)) {
		const o = isObject(old) ? old : {};
		const out: Record<string, unknown> = {};
		for (const k of new Set([...Object.keys(incoming), ...Object.keys(draft)])) {
			const v = rebase(o[k], draft[k], incoming[k]);
			if (v !== undefined) out[k] = v;
		}
		return out;
	}
	if (keyed(draft) && keyed(incoming)) {
		const o = new Map(keyed(old) ? old.map((item) => [itemKey(item)!, item]) : []);
		const d = new Map(draft.map((item) => [itemKey(item)!, item]));
		const out: unknown[] = [];
		const seen = new Set<string>();
		for (const item of incoming) {
			const k = itemKey(item)!;
			seen.add(k);
			// Not in the draft: the person removed it, and the base keeps it so the save says so.
			out.push(d.has(k) ? rebase(o.get(k), d.get(k), item) : (o.get(k) ?? item));
		}
		// In the draft only: added by the person (not in the base), or removed elsewhere while the
		// person changed it (kept in the base, so the save keeps their item).
		for (const [k, item] of o) if (!seen.has(k) && d.has(k)) out.push(item);
		return out;
	}
	return old;
}

/**
 * An open form takes in a revision (`incoming`: from elsewhere, or the one its own save wrote),
 * its draft having been measured from `old`. The draft keeps the person's changes and the field in
 * `keep` (where the cursor is) and shows everything else as `incoming` has it; the new base is
 * `incoming` where the draft agrees with it, `old` where it does not (see `rebase`).
 */
export function takeIn<D extends Doc, K extends keyof D & string>(
	old: D,
	draft: D,
	incoming: D,
	fields: readonly K[],
	keep: FieldPath[] = []
): { base: D; draft: Pick<D, K> } {
	const { doc } = merge3(old, draft, incoming, { prefer: 'a', keep });
	const next = {} as Pick<D, K>;
	const base: Record<string, unknown> = { ...incoming };
	for (const k of fields) {
		next[k] = (doc as D)[k];
		const v = rebase(old[k], next[k], incoming[k]);
		if (v === undefined) delete base[k];
		else base[k] = v;
	}
	return { base: base as D, draft: next };
}

/**
 * The control with the focus: where it sits in the record, and whether its value is picked (a
 * select, tick box or radio button) rather than typed.
 */
export interface Focus {
	path: FieldPath;
	pick: boolean;
}

/**
 * What the control with the focus says beside it after a revision from elsewhere was taken in:
 * - `kept`: a box keeps the person's text (text never moves under the cursor) while the record's
 *   text changed; it offers the record's (`ChangedElsewhere`);
 * - `now`: a select or tick box shows the value from elsewhere, the person not having changed it
 *   since it last saved;
 * - `both`: a select or tick box keeps the person's unsaved value while the record's changed too;
 *   nothing is lost, and its save asks which to keep, as a box's does;
 * - null: the revision did not change it, or it shows that value already.
 */
export type FocusNews = 'kept' | 'now' | 'both' | null;

/**
 * `takeIn` with the focus on a control (`focus`). A box keeps the person's text. A select or tick
 * box is not kept: nothing is typed in it, so it shows the value from elsewhere unless the person
 * changed it (then theirs is kept, as any unsaved change is). `news` is what it says beside it.
 */
export function takeInAtFocus<D extends Doc, K extends keyof D & string>(
	old: D,
	draft: D,
	incoming: D,
	fields: readonly K[],
	focus: Focus | null
): { base: D; draft: Pick<D, K>; news: FocusNews } {
	const next = takeIn(old, draft, incoming, fields, focus && !focus.pick ? [focus.path] : []);
	if (!focus) return { ...next, news: null };
	const at = (doc: unknown) => valueAt(doc, focus.path);
	const [before, mine, theirs, shown] = [at(old), at(draft), at(incoming), at(next.draft)];
	let news: FocusNews = null;
	if (same(before, theirs)) news = null;
	else if (!same(shown, theirs)) news = focus.pick ? 'both' : 'kept';
	else if (focus.pick && !same(mine, theirs)) news = 'now';
	return { ...next, news };
}
