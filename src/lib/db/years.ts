import {
	AcademicYear,
	carryOver,
	NextStep,
	schoolDbName,
	TRUST_DB,
	type NextStepStatus
} from '$lib/domain';
import type { ReadModel } from './read-model';
import { createDoc, getDoc, RecordRefused, updateDoc, type WriteContext } from './repository';

/**
 * Create an academic year (administrators only): its term dates, nothing else. Open next steps
 * move into it only once it has begun (`carryOverSteps`), so entering next year's dates early
 * leaves this year's steps where they are.
 */
export async function createYear(
	ctx: WriteContext,
	rm: ReadModel,
	year: AcademicYear
): Promise<AcademicYear> {
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
	return createDoc(ctx, TRUST_DB, AcademicYear, year);
}

/** The next steps still open in `from`, in schools that are open (a closed school's stay put). */
export async function stepsStillOpen(rm: ReadModel, from: string) {
	// No index on the year: this runs a few times a year, over every school's steps.
	const rows = await rm.nextSteps.filter((r) => r.year === from && r.status !== 'done').toArray();
	const closed = new Set((await rm.schools.toArray()).filter((s) => s.doc.closed).map((s) => s.id));
	return rows.filter((r) => !closed.has(r.schoolId));
}

/**
 * Move every school's next steps still open in `from` into `to` (administrators only), each with a
 * note of the move. Done steps stay. Run again, it moves only what is still open in `from`: a step
 * already moved (here or on another device) is not moved twice. Each step is changed on its latest
 * revision, so a progress note or edit made meanwhile stays. Returns how many steps moved.
 */
export async function carryOverSteps(
	ctx: WriteContext,
	rm: ReadModel,
	from: string,
	to: string
): Promise<number> {
	const rows = await stepsStillOpen(rm, from);
	const status = new Map<string, NextStepStatus>(rows.map((r) => [r._id, r.status]));
	const stamp = { by: ctx.user.name ?? '', at: new Date().toISOString() };
	let moved = 0;
	for (const row of rows) {
		const db = schoolDbName(row.schoolId);
		const latest = await getDoc(ctx, db, row._id, NextStep);
		if (!latest || latest.year !== from) continue;
		await updateDoc(ctx, db, row._id, NextStep, (current) => {
			const [next] = carryOver([current], (id) => status.get(id) ?? 'open', from, to, stamp);
			return next ?? current;
		});
		moved++;
	}
	return moved;
}
