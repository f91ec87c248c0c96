import type { EditStamp, FieldPath, PendingChoice } from '$lib/domain/changes';

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
 *   taken without a choice (an open form's own typing);
 * - `base === null` (the ancestor's body is gone): values that differ become choices, lists are unioned;
 * - bookkeeping fields (`_rev`, `updatedAt`, `edit`, `schemaVersion`) never conflict: the later wins.
 * The result depends only on the inputs (no clock, no device id), so two devices that resolve the
 * same conflict write the same body and, with PouchDB's deterministic revisions, the same revision.
 */
export type Doc = { _id: string; _rev?: string } & Record<string, unknown>;

export interface MergeOptions {
	/** On a value changed differently on both sides, take this side's value without a choice. */
	prefer?: 'a' | 'b';
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

export declare function merge3(
	base: Doc | null,
	a: Doc,
	b: Doc,
	options?: MergeOptions
): MergeResult;
