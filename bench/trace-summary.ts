/**
 * Where a page's main thread went, from a Chromium trace (`BENCH_TRACE=file.json` on
 * `bench/head-cold-start.ts`): self time by event name, and script compile and evaluation by file,
 * up to a moment (ms after the first navigation event; by default the moment the list was visible,
 * the mark `bench:list-visible`), and the main thread's CPU time until then: on a loaded machine
 * the thread's own time varies far less than the wall clock, so two builds compare fairly by it.
 * `node bench/trace-summary.ts FILE [MS]`.
 */
import fs from 'node:fs';

type Ev = {
	name: string;
	ph: string;
	ts: number;
	dur?: number;
	pid: number;
	tid: number;
	tdur?: number;
	args?: { name?: string; data?: { url?: string; fileName?: string } };
};

export function summarise(file: string, untilMs = Infinity): string {
	const events = (JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: Ev[] }).traceEvents;
	const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
	if (!main) return 'No renderer main thread in the trace.';
	const start = Math.min(
		...events
			.filter((e) => e.name === 'navigationStart' || e.name === 'TracingStartedInBrowser')
			.map((e) => e.ts)
	);
	const visible = events.find((e) => e.name === 'bench:list-visible');
	const until = untilMs === Infinity && visible ? visible.ts : start + untilMs * 1000;
	const spans = events
		.filter(
			(e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur && e.ts < until
		)
		.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
	const self = new Map<string, number>();
	const byFile = new Map<string, number>();
	const stack: { end: number; name: string; child: number; dur: number }[] = [];
	const close = (upTo: number) => {
		while (stack.length && stack.at(-1)!.end <= upTo) {
			const s = stack.pop()!;
			self.set(s.name, (self.get(s.name) ?? 0) + (s.dur - s.child));
		}
	};
	for (const e of spans) {
		close(e.ts);
		if (stack.length) stack.at(-1)!.child += e.dur!;
		stack.push({ end: e.ts + e.dur!, name: e.name, child: 0, dur: e.dur! });
		const url = e.args?.data?.url ?? e.args?.data?.fileName;
		if (url && /compile|Evaluate|Parse/i.test(e.name)) {
			const k = `${e.name} ${url.split('/').pop()}`;
			byFile.set(k, (byFile.get(k) ?? 0) + e.dur!);
		}
	}
	close(Infinity);
	// Tasks at the top of the stack: their wall time, and the thread's CPU time in them.
	let wall = 0;
	let cpu = 0;
	let end = 0;
	for (const e of spans) {
		if (e.ts < end) continue;
		end = e.ts + e.dur!;
		wall += e.dur!;
		cpu += e.tdur ?? 0;
	}
	const upTo = `${((until - start) / 1000).toFixed(0)} ms${until === visible?.ts ? ' (list visible)' : ''}`;
	const busy = `Main thread until ${upTo}: busy ${(wall / 1000).toFixed(0)} ms, of which CPU ${(cpu / 1000).toFixed(0)} ms`;
	const top = (m: Map<string, number>, n: number) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([k, v]) => `${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`)
			.join('\n');
	return `${busy}\n\nMain thread self time by event:\n${top(self, 30)}\n\nScripts:\n${top(byFile, 30)}`;
}

if (import.meta.main) {
	console.log(summarise(process.argv[2]!, Number(process.argv[3] ?? Infinity)));
}
