import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { lazy } from './lazy.ts';
import { NextStep, ProgressUpdate } from './visit.ts';
import { SCHEMA_VERSION } from './common.ts';

describe('lazy schemas', () => {
	it('builds a schema on first use only, once', () => {
		let builds = 0;
		const Name = lazy(() => {
			builds++;
			return z.string().min(1);
		});
		expect(builds).toBe(0);
		expect(Name.parse('Oakfield')).toBe('Oakfield');
		expect(Name.safeParse('').success).toBe(false);
		expect(builds).toBe(1);
	});

	afterEach(() => vi.unstubAllGlobals());

	it("builds at once where the engine has no Proxy or Reflect (CouchDB's validate_doc_update)", () => {
		for (const missing of ['Proxy', 'Reflect']) {
			vi.stubGlobal(missing, undefined);
			let builds = 0;
			const Name = lazy(() => {
				builds++;
				return z.string().min(1);
			});
			expect(builds).toBe(1);
			expect(Name.parse('Oakfield')).toBe('Oakfield');
			vi.unstubAllGlobals();
		}
	});

	it('composes like the schema it stands for: objects, extend, unions, instanceof', () => {
		const Id = lazy(() => z.string().regex(/^[a-z]+$/));
		const Base = lazy(() => z.object({ id: Id, n: z.number().int() }));
		const Extended = lazy(() => Base.extend({ label: z.string() }));
		const Either = lazy(() =>
			z.discriminatedUnion('kind', [
				z.object({ kind: z.literal('a'), id: Id }),
				z.object({ kind: z.literal('b'), n: z.number() })
			])
		);
		expect(Base instanceof z.ZodObject).toBe(true);
		expect(Object.keys(Extended.shape)).toEqual(['id', 'n', 'label']);
		expect(Extended.parse({ id: 'abc', n: 2, label: 'x' })).toEqual({
			id: 'abc',
			n: 2,
			label: 'x'
		});
		expect(Extended.safeParse({ id: 'ABC', n: 2, label: 'x' }).success).toBe(false);
		expect(Either.parse({ kind: 'b', n: 1 })).toEqual({ kind: 'b', n: 1 });
		expect(Either.safeParse({ kind: 'a', id: '1' }).success).toBe(false);
		expect(Id.optional().parse(undefined)).toBeUndefined();
	});

	it('the domain schemas still accept a real document and refuse a wrong one', () => {
		const step = {
			_id: 'next-step:2026-27:7d1f0a0e-0b7c-4d55-9a3b-2f0d6f3e9c11',
			schemaVersion: SCHEMA_VERSION,
			type: 'next-step',
			schoolId: 'oakfield',
			year: '2026-27',
			areaId: 'curriculum-teaching',
			action: 'Embed the agreed approach to reading fluency.',
			owner: 'English lead',
			dueTerm: 2,
			successCriteria: 'Seen in books.',
			createdBy: 'sil',
			createdAt: '2026-09-17T16:00:00.000Z'
		};
		expect(NextStep.parse(step)).toMatchObject({ action: step.action, dueTerm: 2 });
		expect(NextStep.safeParse({ ...step, dueTerm: 9 }).success).toBe(false);
		expect(ProgressUpdate.safeParse(step).success).toBe(false);
	});
});
