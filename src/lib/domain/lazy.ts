/**
 * A schema built the first time it is used, not when its module is loaded (issue 17).
 *
 * Building every zod schema of the domain costs about 180 ms of a throttled phone's main thread,
 * in one task, when the app's engine loads after the first screen; most of them (the attainment
 * booklet's, the SIL's visit records', the trust's) are never used by a head in that session. Each
 * schema is therefore declared as `lazy(() => z.object(…))`: the same type, the same value to
 * every caller, built on first touch and kept.
 *
 * The stand-in forwards property reads (so `.parse`, `.shape`, `.extend`, `._zod` and zod's own
 * `instanceof` checks, which read `_zod.traits`, see the built schema), `in` and the prototype.
 * It is not the built object itself: nothing may key a map on a schema's identity (zod's registry,
 * `.describe()`, `.meta()`); the domain uses none of those.
 */
export function lazy<T extends object>(build: () => T): T {
	// Apache CouchDB's JavaScript sandbox (its validate_doc_update runs these schemas) has neither
	// Proxy nor Reflect: there, as before, the schema is built at once.
	if (typeof Proxy !== 'function' || typeof Reflect !== 'object') return build();
	let built: T | undefined;
	const schema = (): T => (built ??= build());
	return new Proxy({} as T, {
		get: (_, key) => {
			const target = schema();
			const value: unknown = Reflect.get(target, key, target);
			return value;
		},
		has: (_, key) => Reflect.has(schema(), key),
		getPrototypeOf: () => Reflect.getPrototypeOf(schema())
	});
}
