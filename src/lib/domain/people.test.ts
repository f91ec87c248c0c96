import { describe, expect, it } from 'vitest';
import { PeopleDirectory } from './people.ts';
import { visitorTitles } from './roles.ts';

const list = (people: unknown[]) => ({
	_id: 'people',
	schemaVersion: 1,
	type: 'people',
	people
});

describe('a visitor’s title in the trust’s list of people', () => {
	it('is optional: an entry written before titles reads as before, a school improvement lead', () => {
		const old = PeopleDirectory.parse(
			list([{ name: 'sil', fullName: 'James Whitfield', supports: ['oakfield'] }])
		);
		expect(visitorTitles(old.people)).toEqual({ sil: 'School improvement lead' });
	});

	it('is one of the titles the trust uses, named in words', () => {
		const people = PeopleDirectory.parse(
			list([
				{ name: 'lp', fullName: 'Priya Shah', supports: [], title: 'lead-practitioner' },
				{
					name: 'tll',
					fullName: 'Tom Reid',
					supports: ['ash'],
					title: 'teaching-and-learning-lead'
				},
				{ name: 'head.ash', fullName: 'Ann Lee', leads: ['ash'] }
			])
		).people;
		// A head supports no school: not a visitor, and no title.
		expect(visitorTitles(people)).toEqual({
			lp: 'Lead practitioner',
			tll: 'Teaching and learning lead'
		});
		expect(
			PeopleDirectory.safeParse(
				list([{ name: 'x', fullName: 'X Y', supports: [], title: 'inspector' }])
			).success
		).toBe(false);
	});
});
