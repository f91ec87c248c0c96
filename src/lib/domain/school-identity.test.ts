import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Slug } from './common.ts';
import { freeSchoolId, nameKey, schoolClash, schoolIdFrom } from './school-identity.ts';

const oakfield = { id: 'oakfield', name: 'Oakfield Primary School', urn: '149002' };
const elm = {
	id: 'elm-tree-primary-school',
	name: 'Elm Tree Primary School',
	urn: '149008',
	closed: { on: '2026-11-24', reason: 'Merged', by: 'admin', at: '2026-11-24T09:00:00.000Z' }
};
const trust = [oakfield, elm];

describe('a school the trust already has', () => {
	it('refuses the same name, naming the school', () => {
		expect(schoolClash({ name: 'Oakfield Primary School', urn: '' }, trust)).toBe(
			'Oakfield Primary School is already in the trust.'
		);
	});

	it('refuses the name written with other case, spacing or punctuation', () => {
		for (const name of [
			'oakfield primary school',
			' Oakfield  Primary-School. ',
			'OAKFIELD PRIMARY SCHOOL'
		]) {
			expect(schoolClash({ name, urn: '' }, trust)).toBe(
				'Oakfield Primary School is already in the trust.'
			);
		}
		expect(nameKey('St Mary’s C of E Primary')).toBe(nameKey('st marys c-of-e primary'));
		expect(nameKey('École Saint-Jean')).toBe(nameKey('Ecole Saint Jean'));
	});

	it('says so when the school with that name has closed', () => {
		expect(schoolClash({ name: 'Elm tree primary school', urn: '' }, trust)).toMatch(
			/^Elm Tree Primary School is already in the trust\. It has closed/
		);
	});

	it('refuses a URN another school has, open or closed', () => {
		expect(schoolClash({ name: 'Beech Primary', urn: ' 149002 ' }, trust)).toBe(
			'URN 149002 is Oakfield Primary School’s. Check the URN: each school has its own.'
		);
		expect(schoolClash({ name: 'Beech Primary', urn: '149008' }, trust)).toContain(
			'Elm Tree Primary School’s, which has closed'
		);
	});

	it('lets a new school with its own name and URN, or no URN, through', () => {
		expect(schoolClash({ name: 'Oakfield Junior School', urn: '149010' }, trust)).toBeNull();
		expect(schoolClash({ name: 'Beech Primary', urn: '' }, trust)).toBeNull();
	});

	it('does not compare a school being changed with itself', () => {
		expect(
			schoolClash({ name: 'Oakfield primary school', urn: '149002' }, trust, 'oakfield')
		).toBeNull();
		expect(schoolClash({ name: 'Elm Tree Primary School', urn: '' }, trust, 'oakfield')).toMatch(
			/^Elm Tree/
		);
	});

	it('finds any name again however its case, spacing and punctuation are changed', () => {
		const words = fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), {
			minLength: 1,
			maxLength: 6
		});
		const gap = fc.constantFrom(' ', '  ', '-', ', ', '. ', '’', '\t', ' & ');
		fc.assert(
			fc.property(
				words,
				fc.array(gap, { minLength: 6, maxLength: 6 }),
				fc.boolean(),
				(w, gaps, upper) => {
					const name = w.join(' ');
					const variant = w
						.map((x, i) => (upper ? x.toUpperCase() : x.toLowerCase()) + gaps[i])
						.join('');
					const school = { id: 'x', name };
					expect(schoolClash({ name: variant, urn: '' }, [school])).toBe(
						`${name} is already in the trust.`
					);
					expect(schoolClash({ name: variant, urn: '' }, [school], 'x')).toBeNull();
				}
			)
		);
	});

	it('finds no clash between names that differ in a letter or digit', () => {
		fc.assert(
			fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
				const clash = schoolClash({ name: a, urn: '' }, [{ id: 'x', name: b }]);
				expect(clash !== null).toBe(nameKey(a) !== '' && nameKey(a) === nameKey(b));
			})
		);
	});
});

describe('the id a new school’s records are kept under', () => {
	it('is made from the name', () => {
		expect(schoolIdFrom('St Mary’s CE Primary')).toBe('st-marys-ce-primary');
		expect(freeSchoolId('Oakfield Primary School', ['oakfield'])).toBe('oakfield-primary-school');
	});

	it('is numbered when another school’s id is the same', () => {
		const long = `${'Kingsmead '.repeat(6)}North`;
		const other = `${'Kingsmead '.repeat(6)}South`;
		expect(schoolIdFrom(long)).toBe(schoolIdFrom(other));
		const first = freeSchoolId(long, []);
		expect(freeSchoolId(other, [first])).not.toBe(first);
	});

	it('is always a valid id that no other school has', () => {
		fc.assert(
			fc.property(fc.string(), fc.array(fc.string(), { maxLength: 5 }), (name, others) => {
				const taken = others.map((o) => freeSchoolId(o, []));
				taken.push(freeSchoolId(name, []), `${freeSchoolId(name, [])}-2`);
				const id = freeSchoolId(name, taken);
				expect(taken).not.toContain(id);
				expect(Slug.safeParse(id).success).toBe(true);
			})
		);
	});
});
