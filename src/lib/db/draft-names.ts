import { KIND_NAMES, recordName, type NameContext } from './names';
import type { ReadModel } from './read-model';

/** Forms kept per school, by the school's id. */
const OF_SCHOOL = new Set(['vulnerable-mark', 'review', 'plan', 'situation', 'close-school']);

/**
 * The record or school a kept draft was typed about, as people know it ("SI discussion record,
 * Ashcombe Primary School, visit on Tue 3 Nov 2026"): the Sync page's "Visit record" alone does not
 * say which of a SIL's schools. Null where the draft's key does not name one this device holds. `form` and `record` are
 * read from the draft's key (`readKeptDrafts`).
 */
export async function nameDraftRecord(
	rm: ReadModel,
	d: { form: string; record: string | null },
	names: NameContext
): Promise<string | null> {
	const id = d.record;
	if (!id) return null;
	const school = (schoolId: string) => names.schoolName(schoolId) ?? null;
	const named = (schoolId: string, doc: Record<string, unknown>) =>
		recordName(`school-${schoolId}`, doc, names).title;
	switch (d.form) {
		case 'visit':
		case 'next-step':
		case 'concern': {
			const visit = await rm.visits.get(id);
			if (visit) return named(visit.schoolId, visit.doc);
			// A concern raised from a school's page is kept by the school's id.
			return d.form === 'concern' ? school(id) : null;
		}
		case 'progress':
		case 'reason': {
			const step = await rm.nextSteps.get(id);
			return step ? named(step.schoolId, step.doc) : null;
		}
		case 'concern-action': {
			const concern = await rm.concerns.get(id);
			return concern ? named(concern.schoolId, concern.doc) : null;
		}
		case 'figures': {
			const [schoolId = '', year = ''] = id.split('/');
			const name = school(schoolId);
			return name ? `${KIND_NAMES['attainment-booklet']}, ${name}, ${year}` : null;
		}
		default:
			return OF_SCHOOL.has(d.form) ? school(id) : null;
	}
}
