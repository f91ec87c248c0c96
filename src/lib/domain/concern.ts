import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { docMeta, IsoDate, IsoDateTime, PersonName, Slug, Stamp, Text } from './common.ts';
import { ItemId } from './item-ids.ts';

// "SIAs will alert the CEO directly where concerns have been identified" (Strategy for School
// Improvement), and the trust ensures "effective intervention and follow up in schools where
// concerns have been identified". A concern is the SIL's alert to the CEO, not part of the record
// the head confirms: it lives in its own database, which only SILs and the CEO replicate, so a
// head's device never holds it (CouchDB cannot hide single documents from a database's readers):
// `CONCERNS_DB`, beside the trust's in school.ts. Within it our sync server hands each person only
// the concerns `mayReadConcernsOf` (roles.ts) gives them: a SIL their own schools'.

export const concernDocId = (uuid: string) => `concern:${uuid}`;

/** How serious a concern is, from least to most. */
export const CONCERN_LEVELS = ['watch', 'action', 'urgent'] as const;
export const ConcernLevel = lazy(() => z.enum(CONCERN_LEVELS));
export type ConcernLevel = z.infer<typeof ConcernLevel>;

/** Each level in words, never a colour alone. */
export const CONCERN_LEVEL_LABELS: Record<ConcernLevel, string> = {
	watch: 'Keep under review',
	action: 'Needs action this term',
	urgent: 'Urgent: needs action now'
};

/** One thing the CEO did about a concern. Only ever added: the list is the concern's history. */
export const ConcernAction = lazy(() =>
	z.object({
		id: ItemId,
		/** The day it was done (may be before the day it was written down). */
		on: IsoDate,
		text: Text(2000).trim().min(1, 'say what was done'),
		by: z.string().min(1),
		name: PersonName.optional(),
		at: IsoDateTime
	})
);
export type ConcernAction = z.infer<typeof ConcernAction>;

/** A concern a SIL raised about a school, to the CEO (concerns database). Never deleted. */
export const Concern = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			type: z.literal('concern'),
			schoolId: Slug,
			/** The visit it came from, when raised from one. */
			visitId: z.string().min(1).max(200).optional(),
			raisedOn: IsoDate,
			raisedBy: z.string().min(1),
			raisedByName: PersonName.optional(),
			title: Text(200).trim().min(1, 'give the concern a short title'),
			seen: Text(4000).trim().min(1, 'say what was seen'),
			level: ConcernLevel,
			actions: z.array(ConcernAction).max(500),
			/** The CEO closed it: what was done is kept in `actions`. */
			closed: Stamp.extend({ on: IsoDate, note: Text(2000) }).optional(),
			updatedBy: z.string().min(1),
			updatedAt: IsoDateTime
		})
		.refine((c) => !c.closed || c.closed.on >= c.raisedOn, {
			message: 'a concern cannot be closed before the day it was raised',
			path: ['closed', 'on']
		})
);
export type Concern = z.infer<typeof Concern>;

/**
 * Open concerns first, the most serious first, then the oldest first (it has waited longest);
 * closed ones after, the most recently closed first.
 */
export function concernOrder(a: Concern, b: Concern): number {
	if (!a.closed !== !b.closed) return a.closed ? 1 : -1;
	if (a.closed && b.closed) return b.closed.on.localeCompare(a.closed.on);
	const level = CONCERN_LEVELS.indexOf(b.level) - CONCERN_LEVELS.indexOf(a.level);
	return level || a.raisedOn.localeCompare(b.raisedOn) || a._id.localeCompare(b._id);
}

/** How many concerns of each school are open. */
export function openConcernsBySchool(concerns: readonly Concern[]): Map<string, number> {
	const open = new Map<string, number>();
	for (const c of concerns) if (!c.closed) open.set(c.schoolId, (open.get(c.schoolId) ?? 0) + 1);
	return open;
}
