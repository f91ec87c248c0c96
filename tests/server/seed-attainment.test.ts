import { describe, expect, it } from 'vitest';
import { cellKey, comparatorKey } from '../../src/lib/domain/index.ts';
import { DEMO_SCHOOLS } from '../../sync-server/src/seed.ts';
import {
	DEMO_ATTAINMENT_FRAMEWORK,
	DEMO_PARTITIONS,
	demoBooklet
} from '../../sync-server/src/seed-attainment.ts';

// A head or CEO reading the demo adds the groups up: boys and girls, and disadvantaged and
// non-disadvantaged pupils, are all pupils, in cohort and in number meeting the standard.
describe('the demo A&A booklets', () => {
	const F = DEMO_ATTAINMENT_FRAMEWORK;
	for (const { id: school } of DEMO_SCHOOLS) {
		it(`add up for ${school}: groups that split all pupils make all pupils`, () => {
			const b = demoBooklet(school, '2026-27');
			const places: [string, Record<string, { cohort?: number; count?: number }>, string][] = [];
			for (const m of F.measures) {
				for (const p of F.points)
					places.push([`${m.id} ${p.id}`, b.cells, cellKey(m.id, '@', p.id)]);
				places.push([`${m.id} last year`, b.lastYear ?? {}, comparatorKey(m.id, '@')]);
			}
			let checked = 0;
			for (const [where, cells, key] of places) {
				const all = cells[key.replace('@', 'all')];
				if (all === undefined) continue;
				for (const pair of DEMO_PARTITIONS) {
					const parts = pair.map((g) => cells[key.replace('@', g)]);
					// Entered for all pupils only (suspensions): nothing to add up.
					if (parts.every((c) => c === undefined)) continue;
					const sum = (f: 'cohort' | 'count') =>
						parts.every((c) => c?.[f] !== undefined)
							? parts.reduce((n, c) => n + c![f]!, 0)
							: undefined;
					expect(sum('cohort'), `${where}: ${pair.join(' + ')} cohort`).toBe(all.cohort);
					if (all.count !== undefined) {
						expect(sum('count'), `${where}: ${pair.join(' + ')} meeting`).toBe(all.count);
						checked++;
					}
				}
			}
			expect(checked).toBeGreaterThan(0);
		});
	}
});
