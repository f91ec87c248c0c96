import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { guardStalls, Stalled } from './stall';

// A server that answers as told, behaving as `fetch` does when its signal aborts: the request
// rejects with the signal's reason, and an answer being read errors with it.
function server() {
	let chunks: ReadableStreamDefaultController<Uint8Array> | undefined;
	let answer: ((res: Response) => void) | undefined;
	const sent: { url: string; signal: AbortSignal }[] = [];
	const send = (url: string | Request, init?: RequestInit) =>
		new Promise<Response>((resolve, reject) => {
			const signal = init!.signal!;
			sent.push({ url: String(url), signal });
			signal.addEventListener('abort', () => {
				reject(signal.reason);
				try {
					chunks?.error(signal.reason);
				} catch {
					// Already closed.
				}
			});
			answer = resolve;
		});
	return {
		send,
		sent,
		/** The answer begins: its status and headers, and a body sent in parts later. */
		begin(status = 200) {
			const body = new ReadableStream<Uint8Array>({ start: (c) => void (chunks = c) });
			answer!(new Response(body, { status, headers: { 'Content-Type': 'application/json' } }));
		},
		part(text: string) {
			chunks!.enqueue(new TextEncoder().encode(text));
		},
		end() {
			chunks!.close();
		}
	};
}

const limits = { answerMs: 120_000, idleMs: 60_000 };

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('requests to the trust that stop being answered', () => {
	it('gives up on a request whose answer never begins, at the limit and not before', async () => {
		const s = server();
		const res = guardStalls(s.send, limits)('https://trust/school-oak/_bulk_docs', {});
		const failed = expect(res).rejects.toThrow(Stalled);
		await vi.advanceTimersByTimeAsync(119_000);
		expect(s.sent[0]!.signal.aborted).toBe(false);
		await vi.advanceTimersByTimeAsync(1_000);
		await failed;
		expect(s.sent[0]!.signal.aborted).toBe(true);
		await expect(res).rejects.toThrow('did not begin to answer within 120 s');
	});

	it('gives up on an answer that stops arriving part-way', async () => {
		const s = server();
		const res = await (async () => {
			const pending = guardStalls(s.send, limits)('https://trust/school-oak/_bulk_get', {});
			s.begin();
			return pending;
		})();
		const read = res.json();
		const failed = expect(read).rejects.toThrow('did not finish its answer within 60 s');
		s.part('{"results": [');
		await vi.advanceTimersByTimeAsync(60_000);
		await failed;
	});

	it('lets a slow answer through while it keeps arriving, however long it takes in all', async () => {
		const s = server();
		const pending = guardStalls(s.send, limits)('https://trust/school-oak/_bulk_get', {});
		await vi.advanceTimersByTimeAsync(100_000);
		s.begin();
		const res = await pending;
		const read = res.json();
		for (const part of ['{"results":', ' [1,', ' 2,', ' 3]}']) {
			await vi.advanceTimersByTimeAsync(50_000);
			s.part(part);
		}
		s.end();
		expect(await read).toEqual({ results: [1, 2, 3] });
		expect(res.status).toBe(200);
		expect(res.headers.get('Content-Type')).toBe('application/json');
		// Nothing is left to fire later.
		expect(vi.getTimerCount()).toBe(0);
	});

	it('still stops when the caller cancels, with the caller’s reason', async () => {
		const s = server();
		const caller = new AbortController();
		const res = guardStalls(s.send, limits)('https://trust/school-oak/_changes', {
			signal: caller.signal
		});
		const cancelled = new Error('replication cancelled');
		caller.abort(cancelled);
		await expect(res).rejects.toBe(cancelled);
		expect(s.sent[0]!.signal.aborted).toBe(true);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('passes an answer with no body straight through', async () => {
		const send = () => Promise.resolve(new Response(null, { status: 204 }));
		const res = await guardStalls(send, limits)('https://trust/school-oak', {});
		expect(res.status).toBe(204);
		expect(vi.getTimerCount()).toBe(0);
	});
});
