import { itemKey, type FieldPath } from '$lib/domain/changes';
import type { Doc } from './merge';

/**
 * Changes that reach a record after the headteacher confirmed it (issue 12). The visitor went on
 * editing a shared record on a device that had not yet seen the confirmation; the two versions
 * meet in a conflict. The confirmed record is locked (the head confirmed what they read), so the
 * visitor's later text cannot enter it silently; nor may it be dropped. It is appended as an
 * addendum in the visitor's name, saying what changed where, which is the one change a confirmed
 * record allows: the head and the trust see it, and nothing typed is lost.
 */

/**
 * A visit the headteacher confirmed: locked, so a later change to what it says can only be
 * appended to it as an addendum. Learning walks, next steps and overviews are never locked.
 */
export const isConfirmedVisit = (doc: Record<string, unknown>): boolean =>
	doc.type === 'visit' && doc.status === 'confirmed';

/** Fields the people who confirm and share write, and bookkeeping: never a late change. */
const NOT_CONTENT = new Set([
	'_id',
	'_rev',
	'_revisions',
	'_conflicts',
	'_attachments',
	'status',
	'shared',
	'confirmation',
	'addenda',
	'choices',
	'edit',
	'updatedAt',
	'createdAt',
	'schemaVersion'
]);

export interface LateChange {
	path: FieldPath;
	/** The value the visitor's version has here; undefined when they removed it. */
	value: unknown;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
const keyed = (list: unknown[]) => {
	const keys = list.map(itemKey);
	return keys.every((k) => k !== null) && new Set(keys).size === keys.length;
};

/** Where `after` differs from `before`, at the smallest place that says it (list items by key). */
export function lateChanges(before: Doc, after: Doc): LateChange[] {
	const out: LateChange[] = [];
	const walk = (path: string[], x: unknown, y: unknown) => {
		if (same(x, y)) return;
		if (isPlain(x) && isPlain(y)) {
			for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
				if (path.length === 0 && NOT_CONTENT.has(k)) continue;
				walk([...path, k], x[k], y[k]);
			}
			return;
		}
		if (Array.isArray(x) && Array.isArray(y) && keyed(x) && keyed(y)) {
			const byKey = (list: unknown[]) => new Map(list.map((i) => [itemKey(i)!, i]));
			const [mx, my] = [byKey(x), byKey(y)];
			for (const k of new Set([...mx.keys(), ...my.keys()])) {
				// Lists of labels (look-fors): an item is there or not.
				if (typeof mx.get(k) === 'string' || typeof my.get(k) === 'string') {
					if (mx.has(k) !== my.has(k)) out.push({ path: [...path, k], value: my.get(k) });
				} else walk([...path, k], mx.get(k), my.get(k));
			}
			return;
		}
		out.push({ path, value: y });
	};
	walk([], before, after);
	return out;
}

export interface Describe {
	/** "Evidence of the area “Reading”". */
	label: (doc: Doc, path: FieldPath) => string;
	/** The value in people's words. */
	value: (doc: Doc, path: FieldPath, value: unknown) => string;
}

/** Without names at hand: the field's path, and the value as text. */
export const PLAIN: Describe = {
	label: (_doc, path) => path.join(' › '),
	value: (_doc, _path, value) =>
		value === undefined ? '(removed)' : typeof value === 'string' ? value : JSON.stringify(value)
};

/** An addendum holds at most this much text (the visit schema's limit). */
export const ADDENDUM_MAX = 10_000;

export interface Addendum {
	id: string;
	by: string;
	at: string;
	text: string;
}

const HEADING =
	'Changed before the headteacher’s confirmation reached the device it was typed on (not part of what was confirmed)';

/**
 * The addenda that carry the visitor's late changes: none when there are none, one when they fit
 * in an addendum, and as many parts as they need when they do not (a long text changed everywhere),
 * so that every change is kept and the conflict can always be settled. Their ids and time come
 * from the versions they record, so two devices of the visitor that settle the same conflict write
 * the same revision.
 */
export function lateAddenda(
	confirmed: Doc,
	merged: Doc,
	by: string,
	at: string,
	id: string,
	describe: Describe = PLAIN
): Addendum[] {
	const changes = lateChanges(confirmed, merged);
	if (changes.length === 0) return [];
	const lines = changes.map((c) => {
		// A removed item is named from the confirmed record, where it still is.
		const doc = c.value === undefined ? confirmed : merged;
		const what = describe.label(doc, c.path);
		return c.value === undefined
			? `• ${what}: removed`
			: `• ${what}: ${describe.value(doc, c.path, c.value)}`;
	});
	return addendaInParts(HEADING, lines, by, at, id);
}

/**
 * `lines` under `heading` as addenda: one when they fit, and as many parts as they need when they
 * do not, each part headed "(part k of n)", so nothing is cut. The parts' ids follow `id`.
 */
export function addendaInParts(
	heading: string,
	lines: string[],
	by: string,
	at: string,
	id: string
): Addendum[] {
	// Room for the lines of one part, under its heading ("… (part 12 of 12):").
	const room = ADDENDUM_MAX - heading.length - 32;
	const pieces = lines.flatMap((line) => {
		const out: string[] = [];
		for (let i = 0; i < line.length; i += room) out.push(line.slice(i, i + room));
		return out;
	});
	const parts: string[][] = [];
	let size = 0;
	for (const piece of pieces) {
		const last = parts[parts.length - 1];
		if (last && size + 1 + piece.length <= room) {
			last.push(piece);
			size += 1 + piece.length;
		} else {
			parts.push([piece]);
			size = piece.length;
		}
	}
	return parts.map((part, k) => ({
		id: k === 0 ? id : `${id}-${k + 1}`,
		by,
		at,
		text: [
			parts.length === 1 ? `${heading}:` : `${heading} (part ${k + 1} of ${parts.length}):`,
			...part
		].join('\n')
	}));
}

/**
 * The confirmed record with the late changes `merged` makes to it appended as addenda
 * (`lateAddenda`); the record itself, unchanged, when there are none. What was confirmed is never
 * changed. Used alike for a conflict settled after replication (`resolve.ts`) and for an editor's
 * unsaved note saved at the next start (`saveUnsaved`).
 */
export function withLateAddenda(
	confirmed: Doc,
	merged: Doc,
	by: string,
	at: string,
	id: string,
	describe: Describe = PLAIN
): Doc {
	const late = lateAddenda(confirmed, merged, by, at, id, describe);
	if (late.length === 0) return confirmed;
	const addenda = Array.isArray(confirmed.addenda) ? confirmed.addenda : [];
	return { ...confirmed, addenda: [...addenda, ...late] };
}
