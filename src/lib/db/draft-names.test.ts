import '../../../tests/unit/browser-env';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ATTAINMENT_FRAMEWORK } from '$lib/domain/attainment-schema';
import {
	draftFacts,
	figureCellLabel,
	mergeParts,
	nameDraftRecord,
	type FindRecord
} from './draft-names';
import type { NameContext } from './names';
import { openReadModel, type ReadModel } from './read-model';

// A draft left unsent is named on the Sync page as the screens name what it was typed into.

describe('drafts named as the screens name them', () => {
	it('labels a grid cell by the trust’s measure, group and column, as the grid does', () => {
		const f = DEFAULT_ATTAINMENT_FRAMEWORK;
		expect(figureCellLabel(f, 'ks2-reading-exs:disadvantaged|target:figure')).toBe(
			'KS2 reading: expected standard, Disadvantaged (Target: figure)'
		);
		expect(figureCellLabel(f, 'ks2-reading-exs:send|national')).toBe(
			'KS2 reading: expected standard, SEND (National)'
		);
		// A measure the framework no longer has, or no framework on the device: no name to give.
		expect(figureCellLabel(f, 'gone-measure:all|national')).toBeNull();
		expect(figureCellLabel(undefined, 'ks2-reading-exs:all|national')).toBeNull();
	});

	it('reads a merged text’s key as database, record and choice', () => {
		expect(mergeParts('school-ashcombe/visit:2026-27:t1:abc/notes')).toEqual({
			db: 'school-ashcombe',
			id: 'visit:2026-27:t1:abc',
			choice: 'notes'
		});
		expect(mergeParts('broken')).toBeNull();
	});
});

describe('what the device holds of a draft’s record', () => {
	let rm: ReadModel;
	let n = 0;
	const nothing: FindRecord = () => Promise.resolve(null);
	const draft = (form: string, record: string, values: Record<string, string> = {}) => ({
		form,
		record,
		at: Date.parse('2026-01-15T10:00:00Z'),
		values,
		typed: []
	});
	const row = <T>(r: T) => r as never;

	beforeEach(async () => {
		rm = openReadModel(`draft-facts-${++n}`);
		await rm.schools.put(row({ id: 'ashcombe', name: 'Ashcombe', doc: { id: 'ashcombe' } }));
	});
	afterEach(() => rm.close());

	it('tells a visit’s status and whether the person is its visitor', async () => {
		await rm.visits.put(
			row({
				_id: 'visit:1',
				schoolId: 'ashcombe',
				status: 'confirmed',
				doc: { status: 'confirmed', visitor: 'sil1' }
			})
		);
		expect(await draftFacts(rm, draft('visit', 'visit:1'), 'head1', nothing)).toEqual({
			found: 'there',
			schoolClosed: false,
			visitStatus: 'confirmed',
			isVisitor: false
		});
	});

	it('tells a record deleted from one not on this device', async () => {
		const deleted: FindRecord = (id) => Promise.resolve(id === 'next-step:gone' ? 'deleted' : null);
		expect(await draftFacts(rm, draft('progress', 'next-step:gone'), 'head1', deleted)).toEqual({
			found: 'deleted'
		});
		expect(await draftFacts(rm, draft('progress', 'next-step:far'), 'head1', deleted)).toEqual({
			found: 'unknown'
		});
	});

	it('tells whether a merged text’s choice still waits', async () => {
		await rm.choices.put(
			row({
				key: 'school-ashcombe/visit:1',
				db: 'school-ashcombe',
				docId: 'visit:1',
				count: 1,
				doc: { _id: 'visit:1', choices: [{ path: ['notes'] }] }
			})
		);
		const facts = (field: string) =>
			draftFacts(rm, draft('merge', `school-ashcombe/visit:1/${field}`), 'sil1', nothing);
		expect(await facts('notes')).toEqual({ found: 'there', choiceWaiting: true });
		expect(await facts('summary')).toEqual({ found: 'there', choiceWaiting: false });
	});

	it('finds the same review recorded meanwhile, the kind and date untouched being the form’s own', async () => {
		await rm.reviews.put(
			row({
				key: 'ashcombe/r1',
				schoolId: 'ashcombe',
				on: '2026-01-15',
				doc: { kind: 'ofsted', on: '2026-01-15' }
			})
		);
		expect(
			await draftFacts(rm, draft('review', 'ashcombe', { headline: 'Good' }), 'ceo1', nothing)
		).toEqual({
			found: 'there',
			schoolClosed: false,
			reviewRecorded: 'Ofsted inspection, Thu 15 Jan 2026'
		});
		expect(
			await draftFacts(rm, draft('review', 'ashcombe', { kind: 'peer' }), 'ceo1', nothing)
		).toEqual({ found: 'there', schoolClosed: false });
	});

	it('keeps a school’s details open to correct once it has closed, and cannot tell for a school not here', async () => {
		await rm.schools.put(
			row({ id: 'birch', name: 'Birch', doc: { id: 'birch', closed: { on: '2026-08-31' } } })
		);
		expect(await draftFacts(rm, draft('school-details', 'birch'), 'admin1', nothing)).toEqual({
			found: 'there'
		});
		expect(await draftFacts(rm, draft('school-details', 'rowan'), 'admin1', nothing)).toEqual({
			found: 'unknown'
		});
	});

	it('names a merged text’s record, a mark’s school and a new school as other drafts are named', async () => {
		const names: NameContext = {
			schoolName: (id) => (id === 'ashcombe' ? 'Ashcombe Primary School' : undefined),
			evaluationFramework: () => undefined,
			attainmentFramework: undefined
		};
		const found: FindRecord = (id) =>
			Promise.resolve({ _id: id, type: 'visit', schoolId: 'ashcombe', date: '2026-01-13' });
		expect(
			await nameDraftRecord(rm, draft('merge', 'school-ashcombe/visit:1/notes'), names, found)
		).toBe('SI discussion record, Ashcombe Primary School, visit on Tue 13 Jan 2026');
		await rm.marks.put(
			row({
				key: 'ashcombe/vulnerable:1',
				schoolId: 'ashcombe',
				doc: { _id: 'vulnerable:1', markedOn: '2026-01-05' }
			})
		);
		expect(await nameDraftRecord(rm, draft('vulnerable-remove', 'vulnerable:1'), names)).toBe(
			'Ashcombe Primary School, marked vulnerable on Mon 5 Jan 2026'
		);
		const school = {
			...draft('school', ''),
			record: null,
			typed: [{ field: 'name', label: 'School name', text: 'Rowan Tree Primary School' }]
		};
		expect(await nameDraftRecord(rm, school, names)).toBe(
			'Rowan Tree Primary School, a school not yet added'
		);
		expect(await nameDraftRecord(rm, draft('school-details', 'ashcombe'), names)).toBe(
			'Ashcombe Primary School'
		);
	});
});
