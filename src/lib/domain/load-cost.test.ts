import { describe, expect, it, vi } from 'vitest';

/** How many zod schemas have been made, through the factories the domain calls (`z.object`, …). */
const made = vi.hoisted(() => ({ count: 0 }));

vi.mock('zod', async (importOriginal) => {
	const actual = await importOriginal<typeof import('zod')>();
	// Only the lower-case factories: classes (`z.ZodObject`) stay as they are for `instanceof`.
	const z = new Proxy(actual.z, {
		get(target, key, receiver) {
			const value: unknown = Reflect.get(target, key, receiver);
			if (typeof key !== 'string' || typeof value !== 'function' || !/^[a-z]/.test(key)) {
				return value;
			}
			return (...args: unknown[]) => {
				made.count++;
				return (value as (...a: unknown[]) => unknown).apply(target, args);
			};
		}
	});
	return { ...actual, z };
});

// Issue 17: the app's engine loads every domain module at once, on the phone's main thread, right
// after the first screen. A schema made at load time (rather than inside `lazy`) costs that task
// whether or not the session ever parses with it.
describe('loading the domain', () => {
	it('makes no schema until one is used', async () => {
		const domain = await import('./index.ts');
		expect(made.count).toBe(0);

		// The count is live: using one schema makes it and what it is made of.
		domain.NextStep.safeParse({});
		expect(made.count).toBeGreaterThan(0);
	});
});
