import { describe, expect, it } from 'vitest';
import { nextStepProblems } from './field-words.ts';
import { describeIssues } from './rules.ts';
import { NextStep, VisitRecord } from './visit.ts';
import { nextStep, visit } from '../../../tests/unit/fixtures';

const issues = (schema: { safeParse: (d: unknown) => { error?: unknown } }, doc: unknown) =>
	schema.safeParse(doc).error as Parameters<typeof describeIssues>[0];

describe('schema problems in the form’s words', () => {
	it('asks for what a next step is missing, as its form labels the fields', () => {
		const bad = { ...nextStep(), action: '', owner: ' ', dueDate: undefined, dueTerm: undefined };
		expect(describeIssues(issues(NextStep, bad), 'next-step')).toBe(
			'Say what the next step is. Say who owns this next step. Give a due date or choose a term.'
		);
	});

	it('names a person in “Who attended” with no name, never its place in the record', () => {
		const bad = visit({ attendees: [{ id: 'p1', name: '', role: 'SENCo' }] });
		const said = describeIssues(issues(VisitRecord, bad), 'visit');
		expect(said).toBe('Enter the person’s name.');
		expect(said).not.toContain('attendees');
	});

	it('says a field is too long with its label', () => {
		const bad = { ...nextStep(), owner: 'x'.repeat(201) };
		expect(describeIssues(issues(NextStep, bad), 'next-step')).toBe(
			'Owner: must be at most 200 characters.'
		);
	});
});

describe('a next step being added', () => {
	const empty = { action: '', owner: '', dueDate: '', dueTerm: '' };

	it('says beside each field what it needs, in the order of the form', () => {
		expect(nextStepProblems(empty)).toEqual([
			{ field: 'ns-action', message: 'Say what the next step is' },
			{ field: 'ns-owner', message: 'Say who owns this next step' },
			{ field: 'ns-due', message: 'Give a due date or choose a term' }
		]);
	});

	it('takes a term in place of a due date', () => {
		expect(
			nextStepProblems({ action: 'Train staff', owner: 'English lead', dueDate: '', dueTerm: '3' })
		).toEqual([]);
	});
});
