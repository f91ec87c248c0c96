import {
	AcademicYear,
	carryOver,
	NextStep,
	schoolDbName,
	TRUST_DB,
	type NextStepStatus
} from '$lib/domain';
import type { ReadModel } from './read-model';
import { createDoc, RecordRefused, updateDoc, type WriteContext } from './repository';

/**
 * Create the next academic year (administrators only) and move every school's open next steps into
 * it. Each step is changed on its latest revision, so a progress note or edit made meanwhile stays.
 * Returns how many steps were carried over.
 */
export async function createYear(
	ctx: WriteContext,
	rm: ReadModel,
	year: AcademicYear,
	from: string
): Promise<number> {
	const parsed = AcademicYear.safeParse(year);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new RecordRefused(
			issue?.path[0] === 'terms'
				? 'Check the term dates: each term must start before it ends, in order, without overlapping.'
				: 'Check the year’s dates.'
		);
	}
	const existing = await rm.trustDocs.get(year._id);
	if (existing) throw new RecordRefused(`The year ${year.year} has already been created.`);
	await createDoc(ctx, TRUST_DB, AcademicYear, year);

	// No index on the year: this runs once a year, over every school's steps.
	const rows = await rm.nextSteps.filter((r) => r.year === from).toArray();
	// A closed school's records stay as they were.
	const closed = new Set((await rm.schools.toArray()).filter((s) => s.doc.closed).map((s) => s.id));
	const status = new Map<string, NextStepStatus>(rows.map((r) => [r._id, r.status]));
	const stamp = { by: ctx.user.name ?? '', at: new Date().toISOString() };
	let moved = 0;
	for (const row of rows) {
		if (row.status === 'done' || closed.has(row.schoolId)) continue;
		await updateDoc(ctx, schoolDbName(row.schoolId), row._id, NextStep, (current) => {
			const [next] = carryOver([current], (id) => status.get(id) ?? 'open', from, year.year, stamp);
			return next ?? current;
		});
		moved++;
	}
	return moved;
}
