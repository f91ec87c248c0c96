import {
	ExternalReview,
	reviewDocId,
	reviewsInOrder,
	SCHEMA_VERSION,
	schoolDbName,
	validateDocUpdate,
	type InspectionOutcome,
	type ReviewKind
} from '$lib/domain';
import { createDoc, RecordRefused, type WriteContext } from './repository';
import { editStamp } from './save-changes';
import type { ReadModel } from './read-model';

/** A school's inspections and external reviews, newest first. */
export async function reviewsOf(rm: ReadModel, schoolId: string): Promise<ExternalReview[]> {
	const rows = await rm.reviews.where('schoolId').equals(schoolId).toArray();
	return reviewsInOrder(rows.map((r) => r.doc));
}

/** Every school's inspections and reviews, newest first within each school. */
export async function reviewsBySchool(rm: ReadModel): Promise<Map<string, ExternalReview[]>> {
	const out = new Map<string, ExternalReview[]>();
	for (const r of await rm.reviews.toArray()) {
		out.set(r.schoolId, [...(out.get(r.schoolId) ?? []), r.doc]);
	}
	for (const [k, v] of out) out.set(k, reviewsInOrder(v));
	return out;
}

export interface ReviewInput {
	schoolId: string;
	kind: ReviewKind;
	on: string;
	reviewer: string;
	headline: string;
	inspection?: InspectionOutcome;
}

/** What a form lets through before the rules: the words a person can act on. */
function checkInput(input: ReviewInput, today: string): void {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(input.on)) throw new RecordRefused('Give the date.');
	if (input.on > today) {
		throw new RecordRefused('Record an inspection or review once it has taken place.');
	}
	if (!input.reviewer.trim()) throw new RecordRefused('Say who inspected or reviewed the school.');
	if (!input.headline.trim()) throw new RecordRefused('Give the headline finding.');
	const o = input.inspection;
	if (input.kind !== 'ofsted' || !o) return;
	if (o.framework === 'ofsted-2019' && !o.grades['overall-effectiveness']) {
		throw new RecordRefused('Give the overall effectiveness grade.');
	}
	if (o.framework === 'ofsted-2025') {
		if (Object.keys(o.grades).length === 0) {
			throw new RecordRefused('Give the outcome of at least one evaluation area.');
		}
		if (!o.safeguarding) throw new RecordRefused('Say whether safeguarding was met.');
	}
	if (o.nextWindow && o.nextWindow.to < o.nextWindow.from) {
		throw new RecordRefused('The next inspection window ends before it starts.');
	}
}

/** Record an inspection or external review (an administrator or the CEO; the rules say so). */
export async function recordReview(
	ctx: WriteContext,
	input: ReviewInput,
	today: string
): Promise<ExternalReview> {
	checkInput(input, today);
	const name = ctx.user.name ?? '';
	return createDoc(ctx, schoolDbName(input.schoolId), ExternalReview, {
		_id: reviewDocId(crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'external-review',
		schoolId: input.schoolId,
		kind: input.kind,
		on: input.on,
		reviewer: input.reviewer.trim(),
		headline: input.headline.trim(),
		...(input.kind === 'ofsted' && input.inspection ? { inspection: input.inspection } : {}),
		recordedBy: name,
		updatedBy: name,
		updatedAt: new Date().toISOString(),
		edit: editStamp(ctx)
	});
}

/** Remove one recorded in error; the removed record is given back so the screen can offer undo. */
export async function removeReview(
	ctx: WriteContext,
	review: ExternalReview
): Promise<ExternalReview> {
	const db = schoolDbName(review.schoolId);
	const local = ctx.dbFor(db);
	for (let attempt = 0; ; attempt++) {
		const current = (await local.get(review._id)) as ExternalReview & { _rev: string };
		const verdict = validateDocUpdate(
			{ _id: current._id, _rev: current._rev, _deleted: true },
			current,
			ctx.user,
			db
		);
		if (!verdict.ok) throw new RecordRefused(verdict.reason);
		try {
			await local.remove(current._id, current._rev);
			return current;
		} catch (err) {
			if ((err as { status?: number }).status !== 409 || attempt >= 5) throw err;
		}
	}
}
