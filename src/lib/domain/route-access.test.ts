import { describe, expect, it } from 'vitest';
import { admin, ceo, head, otherHead, sil } from '../../../tests/unit/fixtures';
import fs from 'node:fs';
import path from 'node:path';
import { mayOpenRoute, mayOpenSchool, OPEN_ROUTES } from './route-access';

const school = (id: string) => ({ id });

describe('which screens a person may open', () => {
	it('lets a head open their own school’s screens and no other school’s', () => {
		for (const route of [
			'/schools/[id]',
			'/schools/[id]/overview',
			'/schools/[id]/attainment',
			'/schools/[id]/reports/governors',
			'/schools/[id]/reports/lgb/[term]'
		]) {
			expect(mayOpenRoute(head, route, school('oakfield'))).toBe(true);
			expect(mayOpenRoute(otherHead, route, school('oakfield'))).toBe(false);
		}
	});

	it('lets only a school improvement lead plan visits, and only for their schools', () => {
		expect(mayOpenRoute(sil, '/schools/[id]/plan', school('oakfield'))).toBe(true);
		expect(mayOpenRoute(sil, '/schools/[id]/plan', school('ash'))).toBe(false);
		expect(mayOpenRoute(head, '/schools/[id]/plan', school('oakfield'))).toBe(false);
		expect(mayOpenRoute(ceo, '/schools/[id]/plan', school('oakfield'))).toBe(false);
		expect(mayOpenRoute(sil, '/schools/[id]', school('ash'))).toBe(false);
	});

	it('gives the CEO every school and the trust screens; administrators those and settings', () => {
		expect(mayOpenRoute(ceo, '/schools/[id]/overview', school('ash'))).toBe(true);
		expect(mayOpenRoute(ceo, '/(ceo)/dashboard')).toBe(true);
		expect(mayOpenRoute(ceo, '/(ceo)/reports/board')).toBe(true);
		expect(mayOpenRoute(ceo, '/admin/trust')).toBe(false);
		expect(mayOpenRoute(admin, '/admin/calendar')).toBe(true);
		expect(mayOpenRoute(admin, '/(ceo)/dashboard')).toBe(true);
		expect(mayOpenRoute(admin, '/schools/[id]', school('ash'))).toBe(true);
	});

	it('keeps heads and SILs out of the trust-wide and administration screens', () => {
		for (const user of [head, sil]) {
			expect(mayOpenRoute(user, '/(ceo)/dashboard')).toBe(false);
			expect(mayOpenRoute(user, '/(ceo)/reports/board')).toBe(false);
			expect(mayOpenRoute(user, '/admin/trust')).toBe(false);
		}
	});

	it('lets a head who is also a SIL plan visits at the schools they support, not their own', () => {
		const exec = {
			name: 'exec',
			roles: ['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:ash']
		};
		expect(mayOpenRoute(exec, '/schools/[id]/plan', school('ash'))).toBe(true);
		expect(mayOpenRoute(exec, '/schools/[id]/plan', school('oakfield'))).toBe(false);
		expect(mayOpenRoute(exec, '/schools/[id]', school('oakfield'))).toBe(true);
	});

	it('opens the shared screens to every role and nothing but sign-in to no one', () => {
		for (const route of ['/', '/sync', '/settings', '/choices', '/visits/[id]']) {
			for (const user of [head, sil, ceo, admin]) expect(mayOpenRoute(user, route)).toBe(true);
			expect(mayOpenRoute(null, route)).toBe(false);
			expect(mayOpenRoute({ name: 'someone', roles: [] }, route)).toBe(false);
		}
		expect(mayOpenRoute(null, '/sign-in')).toBe(true);
	});

	it('opens to the chair of governors their copies, settings and sync, and nothing of the school', () => {
		const governor = { name: 'chair.oakfield', roles: ['governor', 'governor:oakfield'] };
		for (const route of ['/', '/copies/[id]', '/settings', '/sync'])
			expect(mayOpenRoute(governor, route, { id: 'x' })).toBe(true);
		for (const route of [
			'/choices',
			'/visits/[id]',
			'/next-steps/[id]',
			'/schools/[id]',
			'/schools/[id]/reports/governors',
			'/(ceo)/dashboard',
			'/admin/people'
		])
			expect(mayOpenRoute(governor, route, school('oakfield'))).toBe(false);
	});

	it('refuses a school screen with no school named', () => {
		expect(mayOpenRoute(ceo, '/schools/[id]', {})).toBe(false);
		expect(mayOpenSchool(head, undefined)).toBe(false);
		expect(mayOpenSchool(head, 'oakfield')).toBe(true);
		expect(mayOpenSchool(null, 'oakfield')).toBe(false);
	});

	it('closes a route it does not name to every role', () => {
		for (const user of [admin, ceo, head, otherHead, sil]) {
			expect(mayOpenRoute(user, '/reports/everything')).toBe(false);
			expect(mayOpenRoute(user, '/visits/[id]/secret', { id: 'visit:1' })).toBe(false);
		}
	});

	it('names every screen the app has in one of its rules', () => {
		const routes: string[] = [];
		const walk = (dir: string, id: string) => {
			for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
				if (e.isDirectory()) walk(path.join(dir, e.name), `${id}/${e.name}`);
				else if (e.name === '+page.svelte') routes.push(id || '/');
			}
		};
		walk(path.resolve(import.meta.dirname, '../../routes'), '');
		expect(routes.length).toBeGreaterThan(10);
		const named = (route: string) => {
			const p = route.replace(/\/\([^)]+\)/g, '');
			return (
				route === '/sign-in' ||
				route.startsWith('/(ceo)') ||
				p === '/admin' ||
				p.startsWith('/admin/') ||
				p.startsWith('/schools/[id]') ||
				OPEN_ROUTES.has(p)
			);
		};
		expect(routes.filter((r) => !named(r))).toEqual([]);
		// The administrator, who holds every role's access, opens every one of them.
		for (const r of routes) {
			expect(mayOpenRoute(admin, r, { id: 'oakfield', term: '1' }), r).toBe(
				r !== '/schools/[id]/plan'
			);
		}
	});
});
