import '../../../tests/unit/browser-env';
import fc from 'fast-check';
import PouchDB from 'pouchdb-browser';
import { describe, expect, it } from 'vitest';
import { nextStep, progress } from '../../../tests/unit/fixtures';
import type { NextStepStatus, ProgressUpdate } from '$lib/domain';
import { Projector } from './projector';
import { progressOf } from './queries';
import { openReadModel, type ReadModel } from './read-model';
import { schoolYear } from './overviews';

/**
 * A next step's progress updates are kept in one row of the read model (issue 17). Whatever
 * order the updates, next steps and deletions arrive in, across batches and two databases, the
 * screens must see every update that PouchDB holds, in order, and the status of the latest:
 * kept up to date change by change, and built again from scratch.
 */
const DBS = ['school-oakfield', 'school-ash'];
const STEPS = ['a', 'b', 'c'];
const stepId = (s: string) => `next-step:2026-27:${s}`;
const at = (day: number) => `2026-11-${day}T09:00:00.000Z`;

const op = fc.oneof(
	// A document lives in one database: next step c in the second, its updates may be in either.
	fc.record({ kind: fc.constant('step' as const), step: fc.constantFrom(...STEPS) }),
	fc.record({
		kind: fc.constant('update' as const),
		step: fc.constantFrom(...STEPS, 'zz'),
		db: fc.constantFrom(0, 0, 1),
		day: fc.integer({ min: 20, max: 22 }),
		suffix: fc.constantFrom('a', 'b'),
		status: fc.constantFrom<NextStepStatus>('in-progress', 'done', 'open')
	}),
	fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
	fc.record({ kind: fc.constant('settle' as const) })
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

type Put = PouchDB.Core.PutDocument<object>;
let n = 0;

async function exists(db: PouchDB.Database, id: string) {
	try {
		await db.get(id);
		return true;
	} catch {
		return false;
	}
}

async function settle(projector: Projector) {
	await new Promise((r) => setTimeout(r, 30));
	await projector.settled();
}

/** Every progress update in the databases, by next step, latest first (as `progressOf` lists them). */
async function expected(dbs: PouchDB.Database[]) {
	const updates: ProgressUpdate[] = [];
	const steps = new Set<string>();
	for (const db of dbs) {
		for (const row of (await db.allDocs({ include_docs: true })).rows) {
			const doc = row.doc as unknown as { _id: string; type: string };
			if (doc.type === 'progress-update') updates.push(doc as ProgressUpdate);
			if (doc.type === 'next-step') steps.add(doc._id);
		}
	}
	const byStep = new Map<string, ProgressUpdate[]>();
	for (const u of updates) byStep.set(u.nextStepId, [...(byStep.get(u.nextStepId) ?? []), u]);
	for (const list of byStep.values()) {
		list.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a._id < b._id ? 1 : -1));
	}
	return { byStep, steps };
}

async function check(rm: ReadModel, dbs: PouchDB.Database[]) {
	const { byStep, steps } = await expected(dbs);
	for (const step of [...STEPS.map(stepId), stepId('zz')]) {
		const want = byStep.get(step) ?? [];
		const got = await progressOf(rm, step);
		expect(got.map((p) => [p._id, p.nextStepId, p.at, p.doc.status, p.doc.note])).toEqual(
			want.map((u) => [u._id, u.nextStepId, u.at, u.status, u.note])
		);
		const row = await rm.nextSteps.get(step);
		if (!steps.has(step)) {
			expect(row).toBeUndefined();
			continue;
		}
		// The latest moment counts; of two at that moment, the first by id.
		const latest = want.filter((u) => u.at === want[0]?.at).at(-1);
		expect(row?.status).toBe(latest?.status ?? 'open');
		expect(row?.updatedAt).toBe(latest?.at ?? row?.doc.createdAt);
	}
	// The reports' latest note of each next step of the school.
	const school = { id: 'oakfield' } as Parameters<typeof schoolYear>[1];
	const year = await schoolYear(rm, school, '2026-27');
	expect(year.steps.map((s) => s.step._id).sort()).toEqual(
		[...steps].filter((id) => id !== stepId('zz')).sort()
	);
	for (const s of year.steps) {
		expect(s.lastNote ?? null).toBe(byStep.get(s.step._id)?.[0]?.note ?? null);
	}
}

async function run(dbs: PouchDB.Database[], o: Op, projector: Projector): Promise<void> {
	if (o.kind === 'settle') return settle(projector);
	if (o.kind === 'step') {
		const doc = nextStep({ _id: stepId(o.step) });
		const db = dbs[o.step === 'c' ? 1 : 0]!;
		if (!(await exists(db, doc._id))) await db.put(doc as Put);
	} else if (o.kind === 'update') {
		const u = progress({
			_id: `progress:2026-27:${o.step}:${at(o.day)}:${o.suffix}${o.db}`,
			nextStepId: stepId(o.step),
			at: at(o.day),
			status: o.status,
			note: `Note ${o.suffix} on day ${o.day} in ${o.db}`,
			...(o.status === 'done' ? { evidence: 'Seen in books' } : {})
		});
		if (!(await exists(dbs[o.db]!, u._id))) await dbs[o.db]!.put(u as Put);
	} else {
		const all = (
			await Promise.all(
				dbs.map(async (db) => (await db.allDocs()).rows.map((r) => [db, r] as const))
			)
		).flat();
		if (!all.length) return;
		const [db, row] = all[o.pick % all.length]!;
		await db.remove(row.id, row.value.rev);
	}
}

describe("a next step's progress updates in one row", () => {
	it('lists every update and the latest status, kept change by change and built from scratch', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
				n++;
				const dbs = DBS.map((name) => new PouchDB(`steps-${n}-${name}`));
				const dbFor = (name: string) => dbs[DBS.indexOf(name)]!;
				const live = openReadModel(`steps-${n}-live`);
				const following = new Projector(live, dbFor);
				for (const db of DBS) await following.follow(db);
				for (const o of ops) await run(dbs, o, following);
				await settle(following);
				await check(live, dbs);

				// Built from scratch, the databases read in either order.
				for (const order of [DBS, [...DBS].reverse()]) {
					const built = openReadModel(`steps-${n}-built-${order[0]}`);
					const fresh = new Projector(built, dbFor);
					for (const db of order) await fresh.follow(db);
					await check(built, dbs);
					expect(await built.stepProgress.toArray()).toEqual(await live.stepProgress.toArray());
					expect(await built.nextSteps.toArray()).toEqual(await live.nextSteps.toArray());
					fresh.stop();
					built.close();
				}
				following.stop();
				live.close();
				await Promise.all(dbs.map((db) => db.destroy()));
			}),
			{ numRuns: 30 }
		);
	}, 120_000);
});
