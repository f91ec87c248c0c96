import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rolesProblem } from '../../../sync-server/src/users';
import { ROLES, isHeadOf } from '$lib/domain/roles';
import {
	onlyLeadOf,
	choiceFrom,
	choiceProblem,
	describeRoles,
	newPassword,
	rolesFrom,
	titleFrom,
	type AccountChoice
} from './accounts';

const SCHOOLS = ['ash', 'hawthorn', 'oakfield'];
const names: Record<string, string> = { ash: 'Ash', hawthorn: 'Hawthorn', oakfield: 'Oakfield' };

/** Any form an administrator may fill in, sound or not. */
const choice = fc.record({
	roles: fc.subarray([...ROLES]),
	leads: fc.subarray(SCHOOLS),
	supports: fc.subarray(SCHOOLS),
	governs: fc.constantFrom(...SCHOOLS)
});

describe('an account’s roles from the form', () => {
	it('are always roles the server takes, and read back as the same form', () => {
		fc.assert(
			fc.property(choice, (c: AccountChoice) => {
				fc.pre(choiceProblem(c) === null);
				const roles = rolesFrom(c);
				expect(rolesProblem(roles)).toBeNull();
				const back = choiceFrom(roles);
				expect(back.roles).toEqual(c.roles);
				const leads = c.roles.includes('head') ? [...c.leads].sort() : [];
				expect(back.leads).toEqual(leads);
				// A school they lead is not one they support: no one reviews their own school.
				const supports = c.supports.filter((s) => !leads.includes(s)).sort();
				expect(back.supports).toEqual(c.roles.includes('sil') ? supports : []);
				expect(back.governs).toEqual(c.roles.includes('governor') ? c.governs : undefined);
				// The rules then make them the head of exactly the schools chosen.
				const user = { name: 'x', roles };
				for (const s of SCHOOLS) {
					expect(isHeadOf(user, s)).toBe(c.roles.includes('head') && c.leads.includes(s));
				}
			})
		);
	});

	it('name the school a head leads, so that an older account reads as it was meant', () => {
		expect(choiceFrom(['head', 'school:oakfield'])).toEqual({
			roles: ['head'],
			leads: ['oakfield'],
			supports: []
		});
		expect(rolesFrom(choiceFrom(['head', 'school:oakfield']))).toEqual([
			'head',
			'head:oakfield',
			'school:oakfield'
		]);
		// Holding both roles without naming a school: it leads none until one is chosen.
		expect(choiceFrom(['head', 'sil', 'school:oakfield'])).toMatchObject({ leads: [] });
		// A school the form does not show (a head given access to another) is kept on saving.
		const partner = ['head', 'head:oakfield', 'school:ash', 'school:oakfield'];
		expect(choiceFrom(partner)).toMatchObject({ leads: ['oakfield'], also: ['ash'] });
		expect(rolesFrom(choiceFrom(partner))).toEqual(partner);
	});

	it('say what is missing in plain words', () => {
		expect(choiceProblem({ roles: [], leads: [], supports: [] })).toBe('Choose at least one role.');
		expect(choiceProblem({ roles: ['head'], leads: [], supports: [] })).toBe(
			'Choose the school they are the headteacher of.'
		);
		expect(choiceProblem({ roles: ['ceo'], leads: [], supports: [] })).toBeNull();
	});

	it('read in words with the schools’ names', () => {
		const name = (id: string) => names[id] ?? id;
		expect(
			describeRoles(['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:ash'], name)
		).toBe('Headteacher of Oakfield; School improvement lead for Ash');
		expect(describeRoles(['ceo', 'admin'], name)).toBe('Chief executive; Trust administrator');
		expect(describeRoles(['head', 'head:oakfield', 'school:ash', 'school:oakfield'], name)).toBe(
			'Headteacher of Oakfield; also reads Ash'
		);
		expect(describeRoles([], name)).toBe('No role');
	});

	it('names a visitor by the title the administrator gave them, the role staying the same', () => {
		const name = (id: string) => names[id] ?? id;
		const roles = ['sil', 'school:ash'];
		expect(describeRoles(roles, name, 'lead-practitioner')).toBe('Lead practitioner for Ash');
		expect(describeRoles(['sil'], name, 'teaching-and-learning-lead')).toBe(
			'Teaching and learning lead, no schools yet'
		);
		// The form keeps the title for a SIL only; none given reads as before.
		const choice = choiceFrom(roles, 'school-improvement-adviser');
		expect(rolesFrom(choice)).toEqual(roles);
		expect(titleFrom(choice)).toBe('school-improvement-adviser');
		expect(titleFrom({ ...choice, roles: ['ceo'] })).toBeUndefined();
		expect(describeRoles(roles, name)).toBe('School improvement lead for Ash');
	});

	it('lists the schools by name, A to Z, whatever order the roles hold them in', () => {
		const name = (id: string) => names[id] ?? id;
		expect(describeRoles(['sil', 'school:oakfield', 'school:hawthorn', 'school:ash'], name)).toBe(
			'School improvement lead for Ash, Hawthorn, Oakfield'
		);
	});
});

describe('a new password', () => {
	it('is 16 letters and digits, none easily misread, and new each time', () => {
		const a = newPassword();
		expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
		expect(newPassword()).not.toBe(a);
		// Every letter as likely as any other: over 160,000 letters each of the 56 comes about 2,857
		// times, give or take 53. A byte taken modulo 56 would give the first 32 letters 3,125 and
		// the others 2,500.
		const counts = new Map<string, number>();
		for (let i = 0; i < 10_000; i++) {
			for (const c of newPassword()) counts.set(c, (counts.get(c) ?? 0) + 1);
		}
		expect(counts.size).toBe(56);
		const out = [...counts].filter(([, n]) => Math.abs(n - 160_000 / 56) > 250);
		expect(out).toEqual([]);
	});
});

describe('removing the only school improvement lead of a school', () => {
	const sil = (name: string, schools: string[], extra: string[] = []) => ({
		name,
		fullName: name,
		roles: ['sil', ...schools.map((s) => `school:${s}`), ...extra]
	});
	it('names the schools no other lead supports', () => {
		const all = [sil('a', ['oak', 'ash']), sil('b', ['ash']), sil('c', [])];
		expect(onlyLeadOf(all[0]!, all)).toEqual(['oak']);
		expect(onlyLeadOf(all[1]!, all)).toEqual([]);
		expect(onlyLeadOf(all[2]!, all)).toEqual([]);
	});
	it('does not count a school a lead heads, nor a head’s own school, as supported', () => {
		const headAndSil = sil('d', ['oak', 'elm'], ['head', 'head:elm']);
		const head = { name: 'h', fullName: 'h', roles: ['head', 'school:oak'] };
		expect(onlyLeadOf(headAndSil, [headAndSil, head])).toEqual(['oak']);
		expect(onlyLeadOf(head, [headAndSil, head])).toEqual([]);
	});
});
