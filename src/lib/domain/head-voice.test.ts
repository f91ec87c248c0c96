import { describe, expect, it } from 'vitest';
import { agreementLabel, isHeadOf, visitStatusLabel } from './head-voice';

const head = { name: 'head.oakfield', roles: ['head', 'school:oakfield'] };

describe('who is spoken to as the school’s head', () => {
	it('is the head of that school only', () => {
		expect(isHeadOf(head, 'oakfield')).toBe(true);
		expect(isHeadOf(head, 'hawthorn')).toBe(false);
		expect(isHeadOf(head, undefined)).toBe(false);
		expect(isHeadOf(null, 'oakfield')).toBe(false);
	});

	it('is never the SIL or the CEO of the school, even holding the head role', () => {
		expect(isHeadOf({ name: 'sil', roles: ['sil', 'school:oakfield'] }, 'oakfield')).toBe(false);
		expect(isHeadOf({ name: 'x', roles: ['sil', 'head', 'school:oakfield'] }, 'oakfield')).toBe(
			false
		);
		expect(isHeadOf({ name: 'ceo', roles: ['ceo'] }, 'oakfield')).toBe(false);
	});

	it('is a head who is also a SIL in the school their account names, and only there', () => {
		const exec = {
			name: 'exec',
			roles: ['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:ash']
		};
		expect(isHeadOf(exec, 'oakfield')).toBe(true);
		expect(isHeadOf(exec, 'ash')).toBe(false);
		// Naming a school leads it only where the account is assigned it too.
		expect(isHeadOf({ name: 'h', roles: ['head', 'head:ash', 'school:oakfield'] }, 'ash')).toBe(
			false
		);
	});
});

describe('the words for the head, and about them', () => {
	it('speak to the head and of them to everyone else', () => {
		expect(agreementLabel('disagreed', true)).toBe('You disagree');
		expect(agreementLabel('disagreed', false)).toBe('The headteacher disagrees');
		expect(agreementLabel('proposed', true)).toBe('Proposed: waiting for your agreement');
		expect(agreementLabel('proposed', false)).toBe('Proposed: waiting for the headteacher');
		expect(visitStatusLabel('shared', true, 'Shared with the headteacher')).toBe('Shared with you');
		expect(visitStatusLabel('shared', false, 'Shared with the headteacher')).toBe(
			'Shared with the headteacher'
		);
		expect(visitStatusLabel('draft', true, 'Draft')).toBe('Draft');
	});
});
