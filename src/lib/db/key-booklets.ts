import type { AttainmentBooklet } from '$lib/domain/attainment-schema';
import { KEY_MEASURES } from '$lib/domain/key-measures';
import type { AttainmentRow, KeyBookletRow } from './read-model';

const KEY = new Set<string>(KEY_MEASURES);
/** Cell keys are `measure:group:point` and comparator keys `measure:group`; ids hold no colon. */
const ofKeyMeasure = (key: string) => KEY.has(key.slice(0, key.indexOf(':')));
const only = <T>(record: Record<string, T>): Record<string, T> => {
	const out: Record<string, T> = {};
	for (const k in record) if (ofKeyMeasure(k)) out[k] = record[k]!;
	return out;
};

/**
 * The part of a booklet the trust dashboard reads: the key measures' cells, national figures and
 * last year's outcomes, for every group and point, without the termly snapshots. The dashboard's
 * key figures and the trust's totals read nothing else, and every group is kept so that the answer
 * does not depend on which group the trust's framework names for the disadvantaged gap. A full
 * booklet is about 700 cells (26 measures × 7 groups × 4 points in the default framework) and
 * fifty of them, read and copied out of IndexedDB, were the largest part of opening the dashboard.
 */
export function keyBooklet(b: AttainmentBooklet): AttainmentBooklet {
	const { snapshots: _snapshots, ...rest } = b;
	return {
		...rest,
		cells: only(b.cells),
		nationals: only(b.nationals),
		...(b.lastYear ? { lastYear: only(b.lastYear) } : {})
	};
}

/** The read model's key-figures row of a booklet's row (kept by the projector beside it). */
export function keyBookletRow(
	row: Pick<AttainmentRow, 'key' | 'schoolId' | 'year' | 'doc'>
): KeyBookletRow {
	return { key: row.key, schoolId: row.schoolId, year: row.year, doc: keyBooklet(row.doc) };
}
