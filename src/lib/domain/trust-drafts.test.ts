import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
	calendarProblems,
	calendarProblemsBy,
	settingsProblemsBy,
	trustSettingsProblems
} from './trust-drafts.ts';

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

	it('words the limits the schema has, so a limit changed there is said', () => {
		const rules = z.object({
			name: z.string().trim().min(1).max(120),
			suppressionThreshold: z.number().int().min(2).max(50)
		});
		const said = (name: string, n: unknown) =>
			settingsProblemsBy(rules, { name, suppressionThreshold: n as number }).map((p) => p.message);
		expect(said('x'.repeat(121), 10)).toEqual([
			'Keep the trust’s name to 120 characters or fewer.'
		]);
		expect(said('Equals Trust', 1)).toEqual(['The smallest group shown must be at least 2.']);
		expect(said('Equals Trust', 51)).toEqual(['The smallest group shown must be at most 50.']);
		expect(said('Equals Trust', null)).toEqual([
			'Give the smallest group shown: a whole number from 2 to 50.'
		]);
		expect(said('Equals Trust', 40)).toEqual([]);
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

	it('words the limits a term’s schema has, so a limit changed there is said', () => {
		const Line = z.string().trim().min(1).max(80);
		const rules = z.object({
			focus: z.string().max(500).min(1),
			focusAreas: z.array(Line).max(5).optional(),
			documents: z.array(Line),
			completedOnDay: z.array(Line),
			activities: z.array(Line)
		});
		expect(
			calendarProblemsBy(rules, [
				{
					...term,
					focus: 'x'.repeat(501),
					focusAreas: Array.from({ length: 6 }, (_, i) => `Area ${i}`),
					activities: ['x'.repeat(81)]
				}
			])
		).toEqual([
			{ field: 'focus-0', message: 'Keep the focus to 500 characters or fewer.' },
			{ field: 'focusAreas-0', message: 'List at most 5 discussion areas.' },
			{ field: 'activities-0', message: 'Keep each line to 80 characters or fewer.' }
		]);
	});
});
