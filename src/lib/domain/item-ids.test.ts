import { describe, expect, it } from 'vitest';
import { merge3 } from '$lib/sync/merge';
import { visit } from '../../../tests/unit/fixtures';
import { VisitRecord } from './visit';
import { withItemIds } from './item-ids';

/** A visit as stored before list items had ids. */
function legacy() {
	const v = visit({ status: 'draft' }) as Record<string, unknown>;
	return {
		...v,
		_id: String(v._id),
		_rev: '3-aaa',
		attendees: [
			{ name: 'Sarah Thompson', role: 'Headteacher' },
			{ name: 'Class teacher', role: '' },
			{ name: 'Class teacher', role: '' }
		],
		discussion: [
			{ area: 'Reading', evidence: 'Book looks', strengths: '', development: '' },
			{ area: 'Maths', evidence: '', strengths: '', development: '' }
		],
		addenda: [{ by: 'sil', at: '2026-11-24T10:00:00.000Z', text: 'Dates corrected' }]
	};
}

const ids = (list: unknown) => (list as { id: string }[]).map((i) => i.id);

describe('ids for the items of records saved before items had them', () => {
	it('every device migrating the same revision gives the same ids, whatever the key order', () => {
		const one = withItemIds(legacy());
		// The same revision as another device holds it: same content, fields in another order.
		const reordered = legacy();
		reordered.discussion = reordered.discussion.map(
			({ development, strengths, evidence, area }) => ({ development, strengths, evidence, area })
		);
		const two = withItemIds(reordered);
		expect(ids(one.discussion)).toEqual(ids(two.discussion));
		expect(ids(one.attendees)).toEqual(ids(two.attendees));
		expect(ids(one.addenda)).toEqual(ids(two.addenda));
		// Two attendees written alike are two people, not one.
		expect(new Set(ids(one.attendees)).size).toBe(3);
		// Short and within what the server accepts.
		for (const id of ids(one.discussion)) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
	});

	it('keeps the ids items already have and leaves a record that has them untouched', () => {
		const withIds = visit({ status: 'draft' });
		expect(withItemIds(withIds)).toBe(withIds);
		const mixed = legacy();
		(mixed.discussion[0] as Record<string, unknown>).id = 'k3f9c2';
		const migrated = withItemIds(mixed);
		expect(ids(migrated.discussion)[0]).toBe('k3f9c2');
		expect(ids(migrated.discussion)[1]).toBe(ids(withItemIds(legacy()).discussion)[1]);
	});

	it('a legacy record parses with ids, and the server still refuses an overlong id', () => {
		const parsed = VisitRecord.parse(legacy());
		expect(ids(parsed.discussion)).toEqual(ids(withItemIds(legacy()).discussion));
		const bad = legacy();
		(bad.discussion[0] as Record<string, unknown>).id = 'x'.repeat(65);
		expect(VisitRecord.safeParse(bad).success).toBe(false);
		(bad.discussion[0] as Record<string, unknown>).id = 'has space';
		expect(VisitRecord.safeParse(bad).success).toBe(false);
	});

	it('two devices that migrated different revisions can duplicate an item but never drop one', () => {
		// Device A migrated revision 3 and changed Reading's evidence. Device B's copy had an older
		// client's edit to the same area before it migrated: its Reading got another id.
		const base = withItemIds(legacy());
		const a = structuredClone(base);
		a.discussion[0]!.strengths = 'Fluent readers in year 2';
		const older = legacy();
		older.discussion[0]!.evidence = 'Book looks and pupil voice';
		const b = withItemIds(older);
		const { doc } = merge3(base, a, b);
		const areas = doc.discussion as { area: string; evidence: string; strengths: string }[];
		expect(areas.some((d) => d.strengths === 'Fluent readers in year 2')).toBe(true);
		expect(areas.some((d) => d.evidence === 'Book looks and pupil voice')).toBe(true);
		expect(areas.filter((d) => d.area === 'Maths')).toHaveLength(1);
	});
});
