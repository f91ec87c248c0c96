import { z } from 'zod';
import { lazy } from './lazy.ts';

/** The version of the document shapes on the wire; bumped when a shape changes incompatibly. */
export const SCHEMA_VERSION = 1 as const;

/** An ISO calendar date (yyyy-mm-dd), as stored; shown to people in en-GB by `formatDate`. */
export const IsoDate = lazy(() => z.iso.date({ error: 'must be a date (yyyy-mm-dd)' }));

/** An ISO timestamp with a UTC offset. */
export const IsoDateTime = lazy(() =>
	z.iso.datetime({ offset: true, error: 'must be a date and time' })
);

/** A readable, URL-safe identifier: lower-case letters, digits and hyphens. */
export const Slug = lazy(() =>
	z
		.string()
		.regex(
			/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/,
			'must be lower-case letters, digits and hyphens'
		)
);

/** Free text a person typed: trimmed length is bounded so one field cannot fill a device. */
export const Text = (max = 10_000) => z.string().max(max, `must be at most ${max} characters`);

/** A short required label, such as a name. */
export const Label = lazy(() =>
	z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters')
);

/** Academic year label, e.g. `2026-27`. */
export const AcademicYearId = lazy(() =>
	z
		.string()
		.regex(/^\d{4}-\d{2}$/, 'must look like 2026-27')
		.refine(
			(y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)),
			'must be consecutive years'
		)
);

/** One of the six terms of the year: Autumn 1-2, Spring 3-4, Summer 5-6. */
export const TermNumber = lazy(() => z.number().int().min(1).max(6));

/**
 * Fields every stored document may carry from CouchDB/PouchDB. Documents are parsed loosely on
 * these so that a replicated document keeps its revision history and attachments.
 *
 * Getters, so that each field is built when a schema spreads them (inside its `lazy`), not when
 * this module loads: fields built at load cost the engine's first task on a phone (issue 17).
 */
export const docMeta = {
	get _id() {
		return z.string().min(1);
	},
	get _rev() {
		return z.string().optional();
	},
	get _deleted() {
		return z.boolean().optional();
	},
	get _attachments() {
		return z.record(z.string(), z.unknown()).optional();
	},
	get _revisions() {
		return z.unknown().optional();
	},
	get _conflicts() {
		return z.array(z.string()).optional();
	},
	get schemaVersion() {
		return z.literal(SCHEMA_VERSION);
	}
};

/**
 * A person's full name as written on a record when they act ("James Whitfield"), so that the
 * record names them in print and offline. Optional: records written before it carry only the
 * user name, and are named from the trust's list of people (`PeopleDirectory`) instead.
 */
export const PersonName = lazy(() => z.string().trim().min(1).max(200));

/** Who did something and when: kept on records that are agreed between people. */
export const Stamp = lazy(() =>
	z.object({
		by: z.string().min(1),
		name: PersonName.optional(),
		at: IsoDateTime
	})
);
export type Stamp = z.infer<typeof Stamp>;
