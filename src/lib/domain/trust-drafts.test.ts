import { describe, expect, it } from 'vitest';
import { calendarProblems, trustSettingsProblems } from './trust-drafts.ts';

describe('what stops the trust’s settings being saved', () => {
	const ok = { name: 'Equals Trust', suppressionThreshold: 6 };

	it('has nothing to say of settings that can be saved', () => {
		expect(trustSettingsProblems(ok)).toEqual([]);
		expect(trustSettingsProblems({ ...ok, suppressionThreshold: 1 })).toEqual([]);
		expect(trustSettingsProblems({ ...ok, suppressionThreshold: 30 })).toEqual([]);
	});

	it('asks for a name, in words, beside the name', () => {
		expect(trustSettingsProblems({ ...ok, name: '  ' })).toEqual([
			{ field: 'trust-name', message: 'Give the trust a name.' }
		]);
	});

	it('says what the smallest group shown must be', () => {
		const said = (n: unknown) =>
			trustSettingsProblems({ ...ok, suppressionThreshold: n as number }).map((p) => p.message);
		expect(said(0)).toEqual(['The smallest group shown must be at least 1.']);
		expect(said(31)).toEqual(['The smallest group shown must be at most 30.']);
		expect(said(2.5)).toEqual(['The smallest group shown must be a whole number.']);
		expect(said(null)).toEqual(['Give the smallest group shown: a whole number from 1 to 30.']);
		expect(said(Number.NaN)).toEqual([
			'Give the smallest group shown: a whole number from 1 to 30.'
		]);
	});
});

describe('what stops the visit calendar being saved', () => {
	const term = {
		focus: 'End-of-year outcomes',
		focusAreas: ['Outcomes'],
		documents: ['SIP'],
		completedOnDay: [],
		activities: []
	};

	it('asks for each term’s focus beside that term’s field', () => {
		expect(calendarProblems([term, { ...term, focus: ' ' }])).toEqual([
			{ field: 'focus-1', message: 'Give the term a focus.' }
		]);
	});

	it('says when a line or the list of areas is too long', () => {
		const long = 'x'.repeat(201);
		expect(
			calendarProblems([
				{
					...term,
					documents: [long],
					focusAreas: Array.from({ length: 11 }, (_, i) => `Area ${i}`)
				}
			])
		).toEqual([
			{ field: 'focusAreas-0', message: 'List at most 10 discussion areas.' },
			{ field: 'documents-0', message: 'Keep each line to 200 characters or fewer.' }
		]);
	});
});
