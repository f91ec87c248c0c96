/**
 * A request to the trust that is never answered. PouchDB sets no time limit on its requests (its
 * `_changes` timeout is worked out and never used), and neither does `fetch`: a connection that
 * dies without a word (a school's Wi-Fi handing over, a proxy or captive portal holding it, a server
 * that stops answering) leaves the request waiting for ever. A replication waiting on it never
 * finishes and never fails, so the database is not synced again until the app is reloaded: what is
 * typed stays on the device, and the status line says "Sending" for ever.
 */
export class Stalled extends Error {
	override name = 'Stalled';
	constructor(what: string, seconds: number) {
		super(
			`The trust’s server did not ${what} within ${seconds} s: the connection may have dropped.`
		);
	}
}

export interface StallLimits {
	/** Longest wait for the answer to begin (the request's whole body is sent before that). */
	answerMs: number;
	/** Longest wait for the next part of an answer that has begun. */
	idleMs: number;
}

/**
 * Limits for the replication's requests. Generous: a batch of 100 long records sent from a school's
 * slow connection takes a while before the server can answer, and cutting it off would only make it
 * start again. A request that is simply gone is given up after them, and the pass fails and is tried
 * again (`Replicator`), as if the network had dropped.
 */
export const REPLICATION_LIMITS: StallLimits = { answerMs: 120_000, idleMs: 60_000 };

type Send = (url: string | Request, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` with `limits` applied: a request whose answer does not begin within `answerMs`, or whose
 * answer then stops arriving for `idleMs`, is aborted with a `Stalled` error. The caller's own
 * signal still aborts it as before.
 */
export function guardStalls(send: Send, limits: StallLimits): Send {
	return async (url, init = {}) => {
		const controller = new AbortController();
		const own = init.signal;
		const follow = () => controller.abort(own?.reason);
		if (own?.aborted) follow();
		else own?.addEventListener('abort', follow, { once: true });
		let timer: ReturnType<typeof setTimeout> | undefined;
		const deadline = (what: string, ms: number) => {
			clearTimeout(timer);
			timer = setTimeout(() => controller.abort(new Stalled(what, ms / 1000)), ms);
		};
		const done = () => {
			clearTimeout(timer);
			own?.removeEventListener('abort', follow);
		};
		deadline('begin to answer', limits.answerMs);
		let res: Response;
		try {
			res = await send(url, { ...init, signal: controller.signal });
		} catch (err) {
			done();
			throw controller.signal.reason instanceof Stalled ? controller.signal.reason : err;
		}
		const body = res.body;
		if (!body) {
			done();
			return res;
		}
		// The answer is read through a stream that gives up when the next part is too long coming.
		const reader = body.getReader();
		const guarded = new ReadableStream<Uint8Array>({
			async pull(out) {
				deadline('finish its answer', limits.idleMs);
				try {
					const { done: end, value } = await reader.read();
					clearTimeout(timer);
					if (end) {
						done();
						out.close();
					} else out.enqueue(value);
				} catch (err) {
					done();
					out.error(controller.signal.reason instanceof Stalled ? controller.signal.reason : err);
				}
			},
			cancel(reason) {
				done();
				return reader.cancel(reason);
			}
		});
		return new Response(guarded, {
			status: res.status,
			statusText: res.statusText,
			headers: res.headers
		});
	};
}
