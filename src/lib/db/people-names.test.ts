import { describe, expect, it } from 'vitest';
import { areaLabel, gradeLabel, OFSTED_2019, OFSTED_2025 } from '$lib/domain';
import { sentence } from '$lib/format';
import { fullName, personName } from './names';

const people = { sil: 'James Whitfield', 'head.oakfield': 'Sarah Thompson' };
const me = { name: 'head.oakfield', fullName: 'Sarah Thompson' };

describe('people are named in full', () => {
	it('by the name written on the record first, even when the trust’s list says otherwise', () => {
		expect(fullName('sil', 'James Whitfield', {})).toBe('James Whitfield');
		expect(fullName('sil', 'J. Whitfield', people)).toBe('J. Whitfield');
	});

	it('from the trust’s list for a record written before names were kept', () => {
		expect(fullName('sil', undefined, people)).toBe('James Whitfield');
		expect(fullName('sil', '  ', people)).toBe('James Whitfield');
	});

	it('by the user name only when nobody knows more', () => {
		expect(fullName('t.reid', undefined, people)).toBe('t.reid');
		expect(fullName('constructor', undefined, people)).toBe('constructor');
	});

	it('the signed-in person as themselves, anyone else by their full name', () => {
		expect(personName('head.oakfield', me, undefined, people)).toBe('Sarah Thompson (you)');
		expect(personName('sil', me, undefined, people)).toBe('James Whitfield');
		expect(personName('sil', me, 'James Whitfield')).toBe('James Whitfield');
	});
});

describe('evaluation areas and grades by their labels, never their ids', () => {
	const f2025 = { areas: OFSTED_2025.areas, scale: OFSTED_2025.scale };

	it('from the record’s own framework', () => {
		expect(areaLabel('curriculum-teaching', [f2025])).toBe('Curriculum and teaching');
		expect(gradeLabel('needs-attention', [f2025])).toBe('Needs attention');
	});

	it('from the presets when the record’s framework is not on the device yet', () => {
		expect(areaLabel('curriculum-teaching', [null])).toBe('Curriculum and teaching');
		expect(areaLabel('quality-of-education', [f2025])).toBe('Quality of education');
		expect(gradeLabel('requires-improvement', [undefined])).toBe(
			OFSTED_2019.scale.find((g) => g.id === 'requires-improvement')!.label
		);
	});

	it('in words when no framework knows the area', () => {
		expect(areaLabel('reading-for-pleasure', [f2025])).toBe('Reading for pleasure');
		expect(areaLabel('', [])).toBe('An area');
	});
});

describe('typed text in running prose', () => {
	it('ends with one full stop', () => {
		expect(sentence('Calm corridors')).toBe('Calm corridors.');
		expect(sentence('Calm corridors.')).toBe('Calm corridors.');
		expect(sentence('Is phonics consistent?  ')).toBe('Is phonics consistent?');
		expect(sentence('')).toBe('');
	});
});
