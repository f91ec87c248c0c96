import {
	AcademicYear,
	carryOver,
	NextStep,
	schoolDbName,
	termDatesProblem,
	TRUST_DB,
	type NextStepStatus
} from '$lib/domain';
import type { ReadModel } from './read-model';
import { createDoc, RecordRefused, updateDoc, type WriteContext } from './repository';

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
	const wrong = termDatesProblem(year.terms);
	if (wrong) throw new RecordRefused(`${wrong} Check the term dates.`);
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

/** A next step still open in a year: which it is, its school and where it stands. */
export interface OpenStep {
	_id: string;
	schoolId: string;
	status: NextStepStatus;
}

/** The next steps still open in `from`, in schools that are open (a closed school's stay put). */
export async function stepsStillOpen(rm: ReadModel, from: string): Promise<OpenStep[]> {
	// No index on a step's year: each school's summary row holds its steps' year and status
	// (`school-summaries.ts`), one small row a school instead of every step read whole.
	const [schools, summaries] = await Promise.all([
		rm.schools.toArray(),
		rm.schoolSummaries.toArray()
	]);
	const closed = new Set(schools.filter((s) => s.doc.closed).map((s) => s.id));
	return summaries
		.filter((row) => !closed.has(row.schoolId))
		.flatMap((row) =>
			Object.values(row.steps)
				.filter((s) => s.step.year === from && s.status !== 'done')
				.map((s) => ({ _id: s.step._id, schoolId: row.schoolId, status: s.status }))
		);
}

/** A step already moved (here or on another device): nothing is written. */
class AlreadyMoved extends Error {}

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
		try {
			// The latest revision is read once, by the update, which writes nothing if it has moved.
			await updateDoc(ctx, schoolDbName(row.schoolId), row._id, NextStep, (current) => {
				const [next] = carryOver([current], (id) => status.get(id) ?? 'open', from, to, stamp);
				if (!next) throw new AlreadyMoved();
				return next;
			});
			moved++;
		} catch (err) {
			// A step removed on this device since the read model listed it is not moved either.
			if (err instanceof AlreadyMoved || (err as { status?: number }).status === 404) continue;
			throw err;
		}
	}
	return moved;
}
