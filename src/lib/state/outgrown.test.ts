import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { earlierStage, withoutOutgrown } from './outgrown';

// Every character of the left-out note must be in the saved revision: nothing typed is lost.
const chars = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

describe('typing a later save has outgrown', () => {
	const item = fc.record({ id: fc.constantFrom('a1', 'a2', 'a3'), evidence: fc.string() });

	it('is an earlier stage only when each text of it starts the saved one', () => {
		fc.assert(
			fc.property(fc.string(), fc.string(), (typed, more) => {
				expect(earlierStage(typed, typed + more)).toBe(true);
				// Text the save does not start with is never taken as saved.
				expect(earlierStage(typed + more, typed)).toBe(more === '');
			})
		);
		fc.assert(
			fc.property(
				fc.uniqueArray(item, { maxLength: 3, selector: (i) => i.id }),
				fc.string(),
				(items, more) => {
					const later = items.map((i) => ({ ...i, evidence: i.evidence + more }));
					expect(earlierStage(items, later)).toBe(true);
					// An item the save no longer holds is not outgrown.
					if (items.length > 0) expect(earlierStage(items, later.slice(1))).toBe(false);
				}
			)
		);
	});

	it('is left out only after a later save by the same person on the same device', () => {
		const me = { by: 'sil', device: 'Laptop' };
		const kept = {
			db: 'school-oakfield',
			id: 'visit:1',
			base: { focus: 'T2-', summary: '' },
			draft: { focus: 'T2-comme', summary: 'new words' },
			at: 1_000
		};
		fc.assert(
			fc.property(
				fc.constantFrom('sil', 'head'),
				fc.constantFrom('Laptop', 'Tablet'),
				fc.integer({ min: 0, max: 2_000 }),
				fc.string(),
				(by, device, at, more) => {
					const latest = {
						focus: `T2-comme${more}`,
						summary: '',
						edit: { by, device, at: new Date(at).toISOString() }
					};
					const out = withoutOutgrown(kept, latest, me);
					const ours = by === 'sil' && device === 'Laptop' && at > 1_000;
					expect('focus' in out.draft).toBe(!ours);
					// A field the save does not hold is always kept.
					expect(out.draft.summary).toBe('new words');
					if (!('focus' in out.draft))
						expect(latest.focus.startsWith(chars(kept.draft.focus))).toBe(true);
				}
			)
		);
	});
});
