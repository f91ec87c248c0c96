import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Keeps an exception inside PouchDB from taking the process down.
 *
 * PouchDB's LevelDB adapter runs most of its logic inside LevelDB callbacks (a `get` answers, the
 * code that builds the answer runs in the callback). When stored data is not what that code
 * expects (a revision tree built from a malformed `_revisions`, say) it throws there, and an
 * exception thrown in a native callback has no promise to reject: it is uncaught and ends the
 * process, at every read of that database, after every restart.
 *
 * So every LevelDB callback is run on behalf of an owner: the PouchDB task that issued the call
 * (tasks of one database run from a queue, and one that never finishes stalls every later read and
 * write of that database, so a failed task is finished with the error) or, outside a task, the
 * HTTP request. An exception in the callback goes to that owner, and the rest of the process does
 * not notice. Without an owner (the admin command line) it is thrown as before.
 */
export interface Owner {
	fail(err: unknown): void;
}

const owners = new AsyncLocalStorage<Owner>();

export function runOwned<T>(owner: Owner, fn: () => T): T {
	return owners.run(owner, fn);
}

/**
 * `cb` bound to the owner current now: it runs in that owner's context (so calls it makes are
 * owned too, whatever context the native layer calls it in) and what it throws goes to the owner.
 */
export function guard<T>(cb: T): T {
	const owner = owners.getStore();
	if (!owner || typeof cb !== 'function') return cb;
	const fn = cb as (...args: unknown[]) => unknown;
	return function (this: unknown, ...args: unknown[]) {
		return owners.run(owner, () => {
			try {
				return fn.apply(this, args);
			} catch (err) {
				owner.fail(err);
				return undefined;
			}
		});
	} as T;
}

type Method = (...args: unknown[]) => unknown;

/** Replaces `obj[name]` so that its last argument, when a callback, is guarded. */
export function guardLastCallback(obj: Record<string, unknown>, name: string): void {
	const original = obj[name];
	if (typeof original !== 'function') return;
	const fn = (original as Method).bind(obj);
	obj[name] = (...args: unknown[]) => {
		const last = args.length - 1;
		if (last >= 0 && typeof args[last] === 'function') args[last] = guard(args[last]);
		return fn(...args);
	};
}

/**
 * A PouchDB queue task (`{fun, args}`, the callback last) that finishes with the error when
 * something it started throws, and finishes at most once.
 */
export function ownedTask(fun: Method): Method {
	return function (this: unknown, ...args: unknown[]) {
		const last = args.length - 1;
		const cb = args[last];
		if (typeof cb !== 'function') return fun.apply(this, args);
		let done = false;
		const finish = (...result: unknown[]) => {
			if (done) return;
			done = true;
			(cb as Method)(...result);
		};
		args[last] = finish;
		return owners.run({ fail: (err) => finish(err) }, () => fun.apply(this, args));
	};
}
