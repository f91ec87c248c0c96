import { Situation } from '$lib/domain';

/** A situation as kept in a form's draft: JSON with its members always in the same order. */
export function situationJson(s: Situation): string {
	return JSON.stringify({
		category: s.category,
		strand: s.strand,
		...(s.carterStage ? { carterStage: s.carterStage } : {})
	});
}

/** The situation kept in a draft, or `fallback` when nothing (or nothing valid) was kept. */
export function readSituation(json: string, fallback: Situation): Situation {
	if (!json) return { ...fallback };
	try {
		const parsed = Situation.safeParse(JSON.parse(json));
		return parsed.success ? parsed.data : { ...fallback };
	} catch {
		return { ...fallback };
	}
}
