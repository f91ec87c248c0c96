import {
	openConcernsBySchool,
	PEOPLE_ID,
	silsBySchool,
	type Concern,
	type PeopleDirectory
} from '$lib/domain';
import { today } from '$lib/format';
import { allConcerns } from './concerns';
import { dashboardYear, trustContext } from './overviews';
import type { ReadModel, TrustDocRow } from './read-model';

/** The read model's tables the trust dashboard reads: a change to any of them redraws it. */
export const DASHBOARD_TABLES = [
	'trustDocs',
	'schools',
	'schoolSummaries',
	'keyBooklets',
	'marks',
	'concerns'
] as const;

/** The name its last result is kept under: it holds for the day it was read on. */
export const dashboardKeep = (): string => `dashboard ${today()}`;

/**
 * Everything the trust dashboard shows, read once: the term and filters only re-arrange it. Read
 * by the screen, and ahead of it while the CEO's device is idle (`readAhead`).
 */
export async function readDashboard(rm: ReadModel) {
	const day = today();
	// Side by side in one read-only transaction: a dozen reads, each in its own, took several
	// round trips where one takes one, and the reads agree. Only the year's booklets wait for
	// the trust's context (which year it is). It is each school's summary row and each
	// booklet's key figures: the grid and the attainment table read no more.
	const [tc, schools, concerns, people] = await rm.transaction('r', [...DASHBOARD_TABLES], () => {
		const context = trustContext(rm, day);
		return Promise.all([
			context,
			dashboardYear(
				rm,
				context.then((tc) => tc.year?.year ?? null)
			),
			// Concerns stay open across terms and years until the CEO closes them.
			allConcerns(rm),
			rm.trustDocs.get(PEOPLE_ID)
		]);
	});
	return { tc, day, schools, ...flagInputsOf(concerns, people) };
}

/**
 * What the dashboard's flags read beside each school's own records (`attentionFlags`): its open
 * concerns and how many SILs support it. The board pack reads the same, so that it flags what the
 * dashboard flags.
 */
export interface FlagInputs {
	openConcerns: Map<string, number>;
	/** Null when the trust's list of people does not say who supports whom (`silsBySchool`). */
	sils: Map<string, string[]> | null;
}

function flagInputsOf(concerns: Concern[], people: TrustDocRow | undefined): FlagInputs {
	return {
		openConcerns: openConcernsBySchool(concerns),
		sils: silsBySchool(people?.type === 'people' ? (people.doc as PeopleDirectory) : null)
	};
}

/** The flags' inputs, read on their own (the board pack). */
export async function readFlagInputs(rm: ReadModel): Promise<FlagInputs> {
	const [concerns, people] = await Promise.all([allConcerns(rm), rm.trustDocs.get(PEOPLE_ID)]);
	return flagInputsOf(concerns, people);
}

/** Each school with the flags' inputs that are its own, as `dashboardGrid` reads them. */
export function withFlagInputs<T extends { school: { id: string } }>(
	schools: readonly T[],
	{ openConcerns, sils }: FlagInputs
): (T & { openConcerns: number; sils?: number })[] {
	return schools.map((s) => ({
		...s,
		openConcerns: openConcerns.get(s.school.id) ?? 0,
		...(sils ? { sils: sils.get(s.school.id)?.length ?? 0 } : {})
	}));
}
