import { z } from 'zod';
import { lazy } from './lazy.ts';
import { IsoDateTime, PersonName } from './common.ts';

/**
 * What every editable record carries so that concurrent edits can be merged without losing text
 * (issue 12). The merge itself is in `src/lib/sync/merge.ts`; these are the shapes on the wire, so
 * the sync server validates them like any other field.
 */

/** Who made a revision, on which device and when. Every save on a device stamps it. */
export const EditStamp = lazy(() =>
	z.object({
		by: z.string().min(1).max(200),
		/** Their full name, when the device knew it (see `PersonName`). */
		name: PersonName.optional(),
		/** The device's name as people see it, e.g. "Chromium on Linux, signed in 25 Nov". */
		device: z.string().max(200),
		at: IsoDateTime
	})
);
export type EditStamp = z.infer<typeof EditStamp>;

/**
 * Where a value sits in a record: field names, and for an item of a list its key (see `itemKey`).
 * `['discussion', 'k3f9c2', 'evidence']` is the evidence of the discussion area keyed `k3f9c2`.
 */
export const FieldPath = lazy(() => z.array(z.string().min(1).max(200)).min(1).max(8));
export type FieldPath = z.infer<typeof FieldPath>;

/** One of the values a person chooses between, with who wrote it, where and when. */
export const ChoiceOption = lazy(() =>
	z.object({
		value: z.unknown(),
		by: z.string().min(1).max(200),
		name: PersonName.optional(),
		device: z.string().max(200),
		at: IsoDateTime
	})
);
export type ChoiceOption = z.infer<typeof ChoiceOption>;

/**
 * The same value changed differently in two places. The record holds the first option's value
 * until a person chooses; every option is kept here, so nothing typed is lost meanwhile.
 */
export const PendingChoice = lazy(() =>
	z.object({
		path: FieldPath,
		/** The value both sides started from, when the common ancestor's body was available. */
		base: z.unknown().optional(),
		baseKnown: z.boolean(),
		options: z.array(ChoiceOption).min(2).max(8)
	})
);
export type PendingChoice = z.infer<typeof PendingChoice>;

/**
 * Fields every editable record may carry (spread into its schema beside `docMeta`; getters for the
 * same reason as `docMeta`'s).
 */
export const changeMeta = {
	get edit() {
		return EditStamp.optional();
	},
	get choices() {
		return z.array(PendingChoice).max(100).optional();
	}
};

/** A stable identifier for a new item of a list. */
export const newItemId = (): string => crypto.randomUUID().replaceAll('-', '').slice(0, 12);

/**
 * The key of a list item, by which lists are merged: its `id`, else `areaId` (evaluations), else
 * `label` (documents and activities from the calendar); a string item (look-fors, photo names) is
 * its own key. Items with none of these are not keyed, and such a list merges as one value.
 */
export function itemKey(item: unknown): string | null {
	if (typeof item === 'string') return item;
	if (typeof item !== 'object' || item === null || Array.isArray(item)) return null;
	const o = item as Record<string, unknown>;
	for (const k of ['id', 'areaId', 'label'] as const) {
		if (typeof o[k] === 'string' && o[k] !== '') return o[k];
	}
	return null;
}

/** The identity of a choice: two choices about the same place are one. */
export const choiceKey = (path: readonly string[]): string => path.join('\u0000');
