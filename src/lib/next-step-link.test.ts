import { describe, expect, it } from 'vitest';
import { fromQuery, knownTerm, originTerm, stepOrigin, termQuery } from './next-step-link';

const step = { schoolId: 'oakfield', visitId: 'visit:2026-27:t2:abc' };

describe('a next step’s Back', () => {
	it('returns to the head’s home, or to the step’s own visit', () => {
		expect(stepOrigin('/', step)).toBe('home');
		expect(stepOrigin('/visits/visit:2026-27:t2:abc', step)).toBe('visit');
		expect(stepOrigin('/schools/oakfield', step)).toBe('school');
	});

	it('returns to the school’s overview, the choices or the Sync page it was opened from', () => {
		expect(stepOrigin('/schools/oakfield/overview', step)).toBe('overview');
		expect(stepOrigin('/choices', step)).toBe('choices');
		expect(stepOrigin('/sync', step)).toBe('sync');
	});

	it('goes to the school for anything else, inside the app or not', () => {
		for (const from of [
			null,
			'',
			'https://example.com/',
			'//example.com/',
			'/\\example.com',
			'javascript:alert(1)',
			'/settings',
			'/sync/',
			'/choices#x',
			'constructor',
			'__proto__',
			'/schools/hawthorn',
			'/schools/hawthorn/overview',
			'/schools/oakfield/overview/',
			'/visits/visit:2026-27:t1:other',
			'/visits/',
			'/?x=1',
			'/schools/oakfield/overview?term=',
			'/schools/oakfield/overview?term=2x',
			'/schools/oakfield/overview?term=2&x=1',
			'/schools/oakfield/overview?x=1',
			'/schools/hawthorn/overview?term=2'
		]) {
			expect(stepOrigin(from, step), String(from)).toBe('school');
		}
	});

	it('does not take a visit for a step recorded outside one', () => {
		expect(stepOrigin('/visits/', { schoolId: 'oakfield' })).toBe('school');
		expect(stepOrigin('/visits/undefined', { schoolId: 'oakfield' })).toBe('school');
	});

	it('reads back the place its link wrote, ids with colons and all', () => {
		const from = new URLSearchParams(fromQuery(`/visits/${step.visitId}`)).get('from');
		expect(stepOrigin(from, step)).toBe('visit');
		expect(stepOrigin(new URLSearchParams(fromQuery('/')).get('from'), step)).toBe('home');
		const overview = fromQuery(`/schools/${step.schoolId}/overview`);
		expect(stepOrigin(new URLSearchParams(overview).get('from'), step)).toBe('overview');
		expect(stepOrigin(new URLSearchParams(fromQuery('/choices')).get('from'), step)).toBe(
			'choices'
		);
	});
});

describe('Back to a termly overview', () => {
	const terms = [1, 2, 3, 4, 5, 6].map((term) => ({ term }));

	it('returns to the term the overview showed, when it is one of the year’s', () => {
		const from = new URLSearchParams(fromQuery(`/schools/oakfield/overview?term=2`)).get('from');
		expect(stepOrigin(from, step)).toBe('overview');
		expect(originTerm(from, step, terms)).toBe(2);
		expect(`/schools/oakfield/overview${termQuery(2)}`).toBe('/schools/oakfield/overview?term=2');
	});

	it('names no term for an overview without one, a term not in the year, or another school', () => {
		expect(originTerm('/schools/oakfield/overview', step, terms)).toBeNull();
		expect(originTerm('/schools/oakfield/overview?term=7', step, terms)).toBeNull();
		expect(originTerm('/schools/oakfield/overview?term=07', step, terms)).toBeNull();
		expect(originTerm('/schools/oakfield/overview?term=2', step, [])).toBeNull();
		expect(originTerm('/schools/hawthorn/overview?term=2', step, terms)).toBeNull();
		expect(originTerm(null, step, terms)).toBeNull();
	});

	it('reads an overview’s own ?term= only as a term of the year', () => {
		expect(knownTerm('3', terms)).toBe(3);
		for (const value of [
			null,
			undefined,
			'',
			'0',
			'7',
			'03',
			'3.0',
			' 3',
			'3 ',
			'1e0',
			'-1',
			'x'
		]) {
			expect(knownTerm(value, terms), String(value)).toBeNull();
		}
	});
});
