import {
	AttainmentBooklet,
	AttainmentFramework,
	attainmentBookletDocId,
	cellKey,
	comparatorKey,
	DEFAULT_ATTAINMENT_FRAMEWORK,
	PUPIL_GROUP_CHOICES,
	SCHEMA_VERSION,
	schoolDbName,
	snapshotKey,
	TRUST_DB,
	type AttainmentCell
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import type { Pouch, Storage } from './storage.ts';

/**
 * Demo Attainment & Achievement figures: aggregate counts only, made up but shaped like a
 * primary school's (30-pupil cohorts, small SEND and EAL groups that the threshold suppresses,
 * a disadvantaged gap), so the overview, the gaps and the CEO's dashboard have something to show.
 */

/**
 * National figures for 2025-26 as a trust would enter them (percentages, one decimal). EYFS is
 * left for the SIL to enter in the summer, as it is in schools (and the A&A end-to-end test
 * starts from an empty EYFS section).
 */
const NATIONAL: Record<string, Record<string, number>> = {
	'phonics-y1': { all: 80.2, disadvantaged: 67.2, 'non-disadvantaged': 84.6 },
	'ks2-reading-exs': { all: 75.0, disadvantaged: 62.1, 'non-disadvantaged': 80.6 },
	'ks2-maths-exs': { all: 74.2, disadvantaged: 59.8, 'non-disadvantaged': 79.9 },
	'ks2-rwm-exs': { all: 62.0, disadvantaged: 46.8, 'non-disadvantaged': 68.5 }
};

/** Attendance (%) nationally in primary schools, by group, as a trust would enter it. */
const ATTENDANCE: Record<string, number> = {
	all: 94.6,
	disadvantaged: 92.9,
	'non-disadvantaged': 95.3,
	send: 92.6
};

/** Group sizes of a 30-pupil cohort. SEN support, EHCP and looked-after groups are suppressed. */
const COHORT: Record<string, number> = {
	all: 30,
	disadvantaged: 9,
	'non-disadvantaged': 21,
	send: 4,
	'sen-support': 3,
	ehcp: 1,
	cla: 1,
	eal: 6,
	boys: 16,
	girls: 14
};

/** Pupils on roll in each group (a 210-pupil primary), for attendance and absence. */
const ON_ROLL: Record<string, number> = {
	...Object.fromEntries(Object.entries(COHORT).map(([g, n]) => [g, n * 7])),
	'sen-support': 22,
	ehcp: 6,
	cla: 3
};

/** Persistent absence (% of pupils missing 10% or more of sessions) nationally, by group. */
const PERSISTENT_ABSENCE: Record<string, number> = {
	all: 14.2,
	disadvantaged: 24.1,
	'non-disadvantaged': 9.8,
	send: 22.6
};

/**
 * The demo trust's framework: the standard one with the groups the seeds name (SEN support and
 * EHCP beside SEND, children looked after), and suspensions rated against each school's target
 * (green at or below it, amber up to 2 more, red beyond), as they are among the key figures.
 */
export const DEMO_ATTAINMENT_FRAMEWORK = AttainmentFramework.parse({
	...DEFAULT_ATTAINMENT_FRAMEWORK,
	groups: PUPIL_GROUP_CHOICES,
	measures: DEFAULT_ATTAINMENT_FRAMEWORK.measures.map((m) =>
		m.id === 'suspensions' ? { ...m, rag: { against: 'target', amberWithin: 2 } } : m
	)
});

/** A school's strength: how far its figures sit from national (category 1 above, 4 below). */
const STRENGTH: Record<string, number> = {
	'willow-bank': 0.12,
	oakfield: 0.04,
	ashcombe: 0.02,
	hawthorn: -0.04,
	'st-aidans': -0.12,
	kingsmead: -0.08,
	millbrook: -0.18
};

/** Deterministic variation, so every demo looks the same. */
function jitter(seed: string): number {
	let h = 2166136261;
	for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
	return ((h >>> 0) % 1000) / 1000 - 0.5;
}

function figure(measure: string, group: string, school: string, point: string, shift: number) {
	const cohort = COHORT[group]!;
	const national = NATIONAL[measure]![group] ?? NATIONAL[measure]!.all!;
	const rate =
		national / 100 +
		(STRENGTH[school] ?? 0) +
		shift +
		jitter(measure + group + school + point) * 0.1;
	const count = Math.max(0, Math.min(cohort, Math.round(cohort * rate)));
	return { cohort, count } satisfies AttainmentCell;
}

/**
 * Groups that split all pupils in two, each pair adding up to them (`COHORT`): the demo's
 * figures add up as a school's do.
 */
export const DEMO_PARTITIONS = [
	['disadvantaged', 'non-disadvantaged'],
	['boys', 'girls']
] as const;

/**
 * A measure's figures at a point for every group. Each group is drawn on its own, then all pupils
 * are the disadvantaged and non-disadvantaged pupils together, and the girls are the pupils the
 * boys leave (within both cohorts): the drawn figures alone did not add up (23 of 30 pupils, but
 * 14 of 16 boys and 12 of 14 girls).
 */
function groupFigures(
	measure: string,
	school: string,
	point: string,
	shift: number
): Record<string, AttainmentCell> {
	const out = Object.fromEntries(
		Object.keys(COHORT).map((g) => [g, figure(measure, g, school, point, shift)])
	);
	const all = out.disadvantaged!.count + out['non-disadvantaged']!.count;
	out.all = { cohort: COHORT.all!, count: all };
	const boys = Math.min(COHORT.boys!, all, Math.max(all - COHORT.girls!, out.boys!.count));
	out.boys = { cohort: COHORT.boys!, count: boys };
	out.girls = { cohort: COHORT.girls!, count: all - boys };
	return out;
}

/** The visits the booklet was updated at: the term-1 visit keeps a snapshot, as in the calendar. */
export interface BookletVisit {
	school: string;
	id: string;
	term: number;
	date: string;
	status: string;
}

export async function seedAttainment(
	storage: Storage,
	schools: string[],
	year: string,
	visits: BookletVisit[] = []
) {
	const trust = await storage.ensure(TRUST_DB, defaultSecurity(TRUST_DB));
	await putIfMissing(trust, DEMO_ATTAINMENT_FRAMEWORK);
	storage.notify(TRUST_DB);
	for (const school of schools) {
		const db = await storage.get(schoolDbName(school));
		if (!db) continue;
		await putIfMissing(db, demoBooklet(school, year, visits));
		storage.notify(schoolDbName(school));
	}
}

/** A school's demo booklet for `year`, with a snapshot at its term-1 visit if it had one. */
export function demoBooklet(
	school: string,
	year: string,
	visits: BookletVisit[] = []
): AttainmentBooklet {
	const cells: Record<string, AttainmentCell> = {};
	const nationals: Record<string, number> = {};
	const lastYear: Record<string, AttainmentCell> = {};
	// Attendance at the term-1 visit covered the first weeks; it has been updated since.
	const attendanceThen: Record<string, AttainmentCell> = {};
	for (const measure of Object.keys(NATIONAL)) {
		const target = groupFigures(measure, school, 'target', 0.04);
		const autumn = groupFigures(measure, school, 'autumn', 0);
		const last = groupFigures(measure, school, 'last', -0.02);
		for (const group of Object.keys(COHORT)) {
			cells[cellKey(measure, group, 'target')] = target[group]!;
			cells[cellKey(measure, group, 'autumn')] = autumn[group]!;
			lastYear[comparatorKey(measure, group)] = last[group]!;
			const national = NATIONAL[measure]![group];
			if (national !== undefined) nationals[comparatorKey(measure, group)] = national;
		}
	}
	// Attendance is a rate the school reports for each group, not a count of pupils.
	for (const group of Object.keys(COHORT)) {
		const base = ATTENDANCE[group] ?? ATTENDANCE.all!;
		const value = (p: string) =>
			Math.round((base + (STRENGTH[school] ?? 0) * 10 + jitter(group + school + p)) * 10) / 10;
		const cohort = ON_ROLL[group]!;
		cells[cellKey('attendance', group, 'autumn')] = { cohort, value: value('autumn') };
		attendanceThen[cellKey('attendance', group, 'autumn')] = {
			cohort,
			value: value('first-weeks')
		};
		lastYear[comparatorKey('attendance', group)] = { cohort, value: value('last') };
	}
	nationals[comparatorKey('attendance', 'all')] = ATTENDANCE.all!;
	Object.assign(cells, absenceAndSuspensions(school, 'autumn'));
	for (const [key, cell] of Object.entries(absenceAndSuspensions(school, 'last'))) {
		const [measure, group] = key.split(':');
		lastYear[comparatorKey(measure!, group!)] = cell;
	}
	Object.assign(cells, suspensionTarget(school));
	for (const [group, national] of Object.entries(PERSISTENT_ABSENCE)) {
		nationals[comparatorKey('persistent-absence', group)] = national;
	}
	const happened = visits.filter((v) => v.school === school && v.status !== 'planned');
	const term1 = happened.find((v) => v.term === 1);
	const latest = happened.at(-1);
	const at = (date: string) => `${date}T15:30:00.000Z`;
	return AttainmentBooklet.parse({
		_id: attainmentBookletDocId(year),
		schemaVersion: SCHEMA_VERSION,
		type: 'attainment-booklet',
		schoolId: school,
		year,
		cells,
		nationals,
		lastYear,
		...(term1
			? {
					snapshots: {
						[snapshotKey(1)]: {
							term: 1,
							visitId: term1.id,
							visitDate: term1.date,
							takenAt: at(term1.date),
							takenBy: 'sil',
							cells: { ...cells, ...attendanceThen },
							nationals
						}
					}
				}
			: {}),
		updatedAt: latest ? at(latest.date) : at(year.slice(0, 4) + '-09-01'),
		updatedBy: 'sil'
	});
}

/**
 * Persistent absence for every group, and suspensions for all pupils, so far this year (or last
 * year's): weaker schools have more of both, as the seeds' boards expect to see.
 */
function absenceAndSuspensions(school: string, point: string): Record<string, AttainmentCell> {
	const strength = STRENGTH[school] ?? 0;
	const out: Record<string, AttainmentCell> = {};
	for (const group of Object.keys(COHORT)) {
		const base = PERSISTENT_ABSENCE[group] ?? PERSISTENT_ABSENCE.all!;
		const value = Math.max(0, base - strength * 40 + jitter(`pa${group}${school}${point}`) * 4);
		out[cellKey('persistent-absence', group, point)] = {
			cohort: ON_ROLL[group]!,
			value: Math.round(value * 10) / 10
		};
	}
	const suspensions = Math.round(Math.max(0, 2 - strength * 30 + jitter(`s${school}${point}`) * 3));
	out[cellKey('suspensions', 'all', point)] = { cohort: ON_ROLL.all!, value: suspensions };
	return out;
}

/** The number of suspensions each school aims to stay within this year. */
function suspensionTarget(school: string): Record<string, AttainmentCell> {
	const target = Math.round(Math.max(0, 1.5 - (STRENGTH[school] ?? 0) * 20));
	return { [cellKey('suspensions', 'all', 'target')]: { cohort: ON_ROLL.all!, value: target } };
}

async function putIfMissing(db: Pouch, doc: { _id: string }): Promise<void> {
	try {
		await db.get(doc._id);
	} catch {
		await db.put(doc as never);
	}
}
