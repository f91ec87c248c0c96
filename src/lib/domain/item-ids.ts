import { z } from 'zod';
import { lazy } from './lazy.ts';

/**
 * Stable ids for the items of lists people edit (issue 12): a merge matches items by id, so two
 * devices that each change one item of a list no longer overwrite each other. Items written by
 * this version carry `newItemId()` ids; documents written before it are migrated on read.
 */

/** The id of a list item: short, as `newItemId()` makes them; bounded so the server can check it. */
export const ItemId = lazy(() =>
	z
		.string()
		.min(1)
		.max(64, 'must be at most 64 characters')
		.regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, hyphens or underscores')
);

/** JSON with sorted keys, so the same item hashes alike whatever order its fields arrived in. */
function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** cyrb53: a fast, well-mixed 53-bit string hash; not cryptographic, and needs not be. */
function hash53(text: string): number {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Ids for the items of a legacy list that have none, made from each item's content and its
 * occurrence among identical items (two blank attendees are two people).
 *
 * Why from the content, not at random: each device migrates on read, independently and possibly
 * offline. Every device that reads the same revision must give its items the same ids, or a merge
 * of two devices' edits would see every legacy item removed on one side and added on the other.
 * With content ids the worst a mismatch can do (two devices migrating different revisions, where
 * an item's text had already changed) is keep an item twice, since a merge keeps what was added or
 * changed on either side; it can never drop one. The ids are written with the next save, so an
 * item keeps its id when its text changes later.
 */
export function withLegacyIds<T>(items: readonly T[]): (T & { id: string })[] {
	const seen = new Map<string, number>();
	return items.map((item) => {
		// Anything but an object is not an item the schema allows; it is left for the schema to refuse.
		if (!item || typeof item !== 'object') return item as T & { id: string };
		const id = (item as { id?: unknown }).id;
		if (typeof id === 'string' && id !== '') return item as T & { id: string };
		const json = stableJson(item);
		const n = seen.get(json) ?? 0;
		seen.set(json, n + 1);
		return { ...item, id: `m${hash53(`${json}#${n}`).toString(36)}` };
	});
}

/** The lists of a visit record that are keyed by `id`; the others have natural keys. */
const VISIT_ID_LISTS = ['attendees', 'discussion', 'addenda'] as const;

/**
 * A stored document with every item of its edited lists keyed: the raw document in, the same
 * document (not a copy) when nothing was missing. Run it on the raw document, before a schema
 * trims any text, so that every reader computes the same ids.
 */
export function withItemIds<D extends object>(doc: D): D {
	const raw = doc as Record<string, unknown>;
	if (raw.type !== 'visit') return doc;
	let out: Record<string, unknown> | null = null;
	for (const list of VISIT_ID_LISTS) {
		const items = raw[list];
		if (!Array.isArray(items)) continue;
		const missing = items.some(
			(i) => i && typeof i === 'object' && !(typeof i.id === 'string' && i.id)
		);
		if (!missing) continue;
		out ??= { ...raw };
		out[list] = withLegacyIds(items);
	}
	return (out ?? doc) as D;
}
