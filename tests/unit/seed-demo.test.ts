import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
	bookletStart,
	categoryMisfit,
	CONCERNS_DB,
	ExternalReview,
	FRAMEWORK_PRESETS,
	latestInspection,
	schoolDbName,
	TRUST_DB,
	VISIT_PRESETS,
	type EvaluationFramework,
	type TrustSettings,
	type VisitCalendar
} from '../../src/lib/domain/index.ts';
import { DEMO_SCHOOLS, seedDemo } from '../../sync-server/src/seed.ts';
import { Storage } from '../../sync-server/src/storage.ts';

// Issue 15: demo data a trust would recognise, generated from one seed and dated from the day the
// demo is started.

type Doc = {
	_id: string;
	type: string;
	[k: string]: unknown;
};

const dirs: string[] = [];
afterAll(() => {
	for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Seeds a demo trust as if started on `today`, and returns every school's documents. */
async function demo(today: string, extra: string[] = []): Promise<Record<string, Doc[]>> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-demo-'));
	dirs.push(dir);
	const storage = new Storage(dir, false);
	await seedDemo(storage, {
		passwords: () => 'demo-password-1',
		iterations: 10,
		includeAdmin: true,
		today
	});
	const out: Record<string, Doc[]> = {};
	for (const s of DEMO_SCHOOLS) {
		const db = (await storage.get(schoolDbName(s.id)))!;
		const all = await db.allDocs({ include_docs: true, attachments: true } as never);
		out[s.id] = (all.rows as unknown as { doc: Doc }[]).map((r) => r.doc);
	}
	for (const name of extra) {
		const all = await (await storage.get(name))!.allDocs({ include_docs: true });
		out[name] = (all.rows as unknown as { doc: Doc }[]).map((r) => r.doc);
	}
	return out;
}

const ofType = (docs: Doc[], type: string) => docs.filter((d) => d.type === type);
const day = (iso: unknown) => String(iso).slice(0, 10);

/** Every date of something that has already happened, with what it is. */
function pastEvents(docs: Doc[]): [string, string][] {
	const events: [string, string][] = [];
	for (const d of docs) {
		if (d.type === 'visit' && d.status !== 'planned') events.push([`visit ${d._id}`, day(d.date)]);
		for (const key of ['shared', 'confirmation'] as const) {
			const stamp = d[key] as { at?: string } | undefined;
			if (stamp?.at) events.push([`${key} of ${d._id}`, day(stamp.at)]);
		}
		if (d.type === 'progress-update') events.push([`update ${d._id}`, day(d.at)]);
		if (d.type === 'next-step') events.push([`step ${d._id}`, day(d.createdAt)]);
		if (d.type === 'learning-walk') events.push([`walk ${d._id}`, day(d.date)]);
		if (d.type === 'attainment-booklet') {
			events.push([`booklet ${d._id}`, day(d.updatedAt)]);
			for (const s of Object.values((d.snapshots ?? {}) as Record<string, { takenAt: string }>))
				events.push([`snapshot in ${d._id}`, day(s.takenAt)]);
		}
		if (d.type === 'visit' || d.type === 'learning-walk')
			events.push([`created ${d._id}`, day(d.createdAt)], [`updated ${d._id}`, day(d.updatedAt)]);
	}
	return events;
}

// Each case seeds whole demo trusts on disk (LevelDB): slower than a unit test usually is.
describe('the demo trust', { timeout: 60_000 }, () => {
	test('every school has a visit in terms 1 and 2, and nothing that happened is dated after the start', async () => {
		for (const today of ['2026-11-25', '2026-11-09']) {
			const schools = await demo(today);
			for (const s of DEMO_SCHOOLS) {
				const visits = ofType(schools[s.id]!, 'visit');
				expect(visits.map((v) => v.term).sort(), `${s.id} on ${today}`).toEqual([1, 2]);
				const late = pastEvents(schools[s.id]!).filter(([, date]) => date > today);
				expect(late, `${s.id} on ${today}`).toEqual([]);
				// A visit on or after the start date can only be planned.
				for (const v of visits)
					if (String(v.date) >= today) expect(v.status, `${v._id} on ${today}`).toBe('planned');
			}
		}
		// Started on 25 November, both terms' visits have taken place and some steps are done.
		const november = await demo('2026-11-25');
		const all = Object.values(november).flat();
		// Each booklet keeps the figures of its school's term-1 visit, as the calendar asks.
		for (const s of DEMO_SCHOOLS) {
			const docs = november[s.id]!;
			const t1 = ofType(docs, 'visit').find((v) => v.term === 1)!;
			const booklet = ofType(docs, 'attainment-booklet')[0]!;
			expect(booklet.snapshots, s.id).toMatchObject({
				t1: { visitId: t1._id, visitDate: t1.date }
			});
		}
		expect(ofType(all, 'visit').filter((v) => v.status === 'planned')).toEqual([]);
		expect(ofType(all, 'progress-update').some((u) => u.status === 'done')).toBe(true);
		// Work is reported only on steps the head agreed by confirming their record: a step of a record
		// still shared with the head is only proposed.
		const visits = new Map(ofType(all, 'visit').map((v) => [v._id, v]));
		const steps = new Map(ofType(all, 'next-step').map((st) => [st._id, st]));
		const shared = ofType(all, 'next-step').filter(
			(st) => visits.get(String(st.visitId))?.status === 'shared'
		);
		expect(shared.length).toBeGreaterThan(0);
		for (const u of ofType(all, 'progress-update')) {
			const visit = visits.get(String(steps.get(String(u.nextStepId))?.visitId));
			expect(visit?.status, u._id).toBe('confirmed');
		}
		// Started on 9 November, some term-2 visits have not happened yet.
		const early = Object.values(await demo('2026-11-09')).flat();
		expect(ofType(early, 'visit').some((v) => v.status === 'planned')).toBe(true);
	});

	test('the text varies from visit to visit and each note and step sits under its own area', async () => {
		const schools = await demo('2026-11-25');
		const all = Object.values(schools).flat();
		const visits = ofType(all, 'visit');
		const steps = ofType(all, 'next-step');
		const discussions = visits.map((v) =>
			JSON.stringify((v.discussion as { evidence: string }[]).map((d) => d.evidence))
		);
		expect(new Set(discussions).size).toBe(visits.length);
		const criteria = new Set(steps.map((s) => s.successCriteria));
		expect(criteria.size).toBeGreaterThanOrEqual(10);
		expect(new Set(steps.map((s) => s.action)).size).toBeGreaterThanOrEqual(10);

		const areas = FRAMEWORK_PRESETS.find((f) => f.id === 'ofsted-2025')!.areas;
		const labelOf = (id: string) => areas.find((a) => a.id === id)?.label;
		for (const v of visits) {
			const discussed = (v.discussion as { area: string }[]).map((d) => d.area);
			// Every note is under one of the framework's areas, and graded under the same ones.
			for (const area of discussed) expect(areas.map((a) => a.label)).toContain(area);
			expect((v.evaluations as { areaId: string }[]).map((e) => labelOf(e.areaId))).toEqual(
				discussed
			);
			// A step agreed at a visit supports an area that visit discussed.
			for (const s of steps.filter((x) => x.visitId === v._id))
				expect(discussed).toContain(labelOf(String(s.areaId)));
		}
	});

	test('learning walks have photos of displays, and the same seed gives the same demo', async () => {
		const first = await demo('2026-11-25');
		const second = await demo('2026-11-25');
		for (const s of DEMO_SCHOOLS) {
			const walks = ofType(first[s.id]!, 'learning-walk');
			expect(walks.length, s.id).toBeGreaterThan(0);
			for (const w of walks) {
				const atts = w._attachments as Record<string, { content_type: string; data: string }>;
				const photos = (w.rooms as { photos: string[] }[]).flatMap((r) => r.photos);
				expect(photos.length).toBeGreaterThan(0);
				for (const p of photos) {
					expect(atts[p]!.content_type).toBe('image/png');
					expect(Buffer.from(atts[p]!.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
				}
			}
			// Ids and words are the same; only the ids of list items are drawn afresh.
			const shape = (docs: Doc[]) =>
				docs.map((d) =>
					JSON.stringify(d, (k, v) =>
						k === '_rev' || k === 'id' || k === 'digest' ? undefined : v
					)
				);
			expect(shape(second[s.id]!)).toEqual(shape(first[s.id]!));
		}
	});

	test('the vulnerable school has one open concern from its term-2 visit, acted on by the start', async () => {
		for (const start of ['2026-11-25', '2026-11-14']) {
			const trust = await demo(start, [CONCERNS_DB]);
			const concerns = trust[CONCERNS_DB]!.filter((d) => d.type === 'concern');
			expect(concerns).toHaveLength(1);
			const c = concerns[0]!;
			const visit = trust['st-aidans']!.find((d) => d._id === c.visitId)!;
			expect(visit).toMatchObject({ type: 'visit', term: 2 });
			expect(visit.status).not.toBe('planned');
			expect(c).toMatchObject({ schoolId: 'st-aidans', raisedBy: 'sil', raisedOn: visit.date });
			expect(c.closed).toBeUndefined();
			const actions = c.actions as { on: string; by: string }[];
			expect(actions).toHaveLength(1);
			expect(actions[0]!.by).toBe('ceo');
			expect(actions[0]!.on <= start && actions[0]!.on >= String(c.raisedOn)).toBe(true);
		}
	});

	test('a SEND review and a peer review among the visits, each as its kind starts', async () => {
		const schools = await demo('2026-11-25');
		const typeOf = (id: string) =>
			ofType(schools[id]!, 'visit')
				.filter((v) => v.term === 2)
				.map((v) => [v.visitType, (v.documents as { label: string }[]).map((d) => d.label)]);
		expect(typeOf('kingsmead')).toEqual([['send', [...VISIT_PRESETS.send.documents]]]);
		expect(typeOf('ashcombe')).toEqual([['peer', [...VISIT_PRESETS.peer.documents]]]);
		// The other visits are termly visits written as before, with no type of their own.
		const others = Object.values(schools)
			.flatMap((docs) => ofType(docs, 'visit'))
			.filter((v) => v.visitType !== undefined);
		expect(others).toHaveLength(2);
	});

	test('a new termly visit starts with the areas of the framework the trust evaluates against', async () => {
		const trust = (await demo('2026-11-25', [TRUST_DB]))[TRUST_DB]!;
		const settings = trust.find((d) => d.type === 'trust-settings') as unknown as TrustSettings;
		const calendar = trust.find((d) => d.type === 'visit-calendar') as unknown as VisitCalendar;
		const framework = trust.find(
			(d) => d.type === 'evaluation-framework' && d.id === settings.evaluationFrameworkId
		) as unknown as EvaluationFramework;
		expect(framework.id).toBe('ofsted-2025');
		const labels = framework.areas.map((a) => a.label);
		for (const term of [1, 2, 3, 4, 5, 6]) {
			const areas = bookletStart('termly', calendar, term, framework).areas;
			expect(areas.length, `term ${term}`).toBeGreaterThan(0);
			// The record's evaluations below are the framework's: its discussion starts in their words.
			for (const area of areas) expect(labels, `term ${term}`).toContain(area);
		}
		expect(bookletStart('termly', calendar, 1, framework).areas).toEqual([
			'Achievement',
			'Attendance and behaviour'
		]);
	});

	test('every school has an Ofsted inspection that fits its category, and there is a peer review', async () => {
		const start = '2026-11-09';
		const schools = await demo(start);
		let peer = 0;
		for (const s of DEMO_SCHOOLS) {
			const reviews = ofType(schools[s.id]!, 'external-review').map((d) => ExternalReview.parse(d));
			const latest = latestInspection(reviews);
			expect(latest?.inspection, s.id).toBeDefined();
			expect(categoryMisfit(s.category, latest), s.id).toBeNull();
			for (const r of reviews) expect(r.on <= start, `${r._id} on ${r.on}`).toBe(true);
			peer += reviews.filter((r) => r.kind === 'peer').length;
		}
		expect(peer).toBe(1);
	});
});
