import { encodePng } from './png.ts';
import {
	LearningWalk,
	NextStep,
	newItemId,
	nextStepDocId,
	ProgressUpdate,
	progressDocId,
	schoolDbName,
	SCHEMA_VERSION,
	VisitRecord,
	visitDocId,
	type VisitCalendar,
	type VisitStatus
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import { demoVisitType } from './seed-visit-types.ts';
import { AREA_TEXT, DONE_EVIDENCE, PROGRESS_NOTES, ROOMS } from './seed-text.ts';
import type { Doc, Pouch, Storage } from './storage.ts';

/**
 * The demo's visits of terms 1 and 2 for every school, with their learning walks, next steps and
 * progress updates. Everything is drawn from one seed, so two demos started on the same day are
 * identical; and everything that has happened is dated before the day the demo is started
 * (`today`): a visit that falls on or after it is only planned, and an update not yet due is left
 * out.
 */

export interface VisitSeedSchool {
	id: string;
	category: string;
	strand?: string;
	/** The head's user name (whether or not they have an account) and full name. */
	head: { name: string; fullName: string };
}

export interface VisitSeedOptions {
	year: string;
	/** yyyy-mm-dd: the day the demo is started. */
	today: string;
	terms: { term: number; start: string; end: string }[];
	calendar: VisitCalendar['terms'];
	/** The seed every choice is drawn from. */
	seed?: string;
}

/** What a seeded school's records came to, for the attainment seed and for tests. */
export interface SeededVisit {
	school: string;
	id: string;
	term: number;
	date: string;
	status: VisitStatus;
}

const SIL = { name: 'sil', fullName: 'James Whitfield', role: 'School improvement lead' };
// Millbrook (category 4) is supported by a national leader of education, not the trust's SIL.
const NLE = {
	name: 'nle.millbrook',
	fullName: 'Helen Achebe',
	role: 'National leader of education'
};

/** The planned status of each school's term-2 record, before the start date is applied. */
const TERM2_STATUS: Record<string, VisitStatus> = {
	oakfield: 'shared',
	'st-aidans': 'draft',
	hawthorn: 'draft',
	kingsmead: 'shared'
};

/** Grades a school of each category is usually given, strongest first. */
const GRADES: Record<string, string[]> = {
	'1': ['exceptional', 'strong', 'strong'],
	'2a': ['strong', 'expected', 'expected'],
	'2b': ['expected', 'expected', 'needs-attention'],
	'3': ['needs-attention', 'expected', 'needs-attention'],
	'4': ['urgent-improvement', 'needs-attention', 'needs-attention']
};

/** A small deterministic generator (mulberry32) keyed by a string. */
export function random(seed: string): () => number {
	let h = 1779033703;
	for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
	let a = h >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A UUID-shaped id drawn from the generator, so ids are the same in every demo of a seed. */
function uuidFrom(rand: () => number): string {
	const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function addDays(date: string, days: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** The same day, or the Monday after it if it falls at a weekend. */
function weekday(date: string): string {
	const day = new Date(`${date}T00:00:00Z`).getUTCDay();
	return day === 6 ? addDays(date, 2) : day === 0 ? addDays(date, 1) : date;
}

/** The areas a visit's discussion covers: the calendar's focus for the term, varied by school. */
function areasFor(index: number, term: number, corrective: boolean): [string, number][] {
	if (term === 1) {
		const areas: [string, number][] = [
			['achievement', index % 4],
			['attendance-behaviour', index % 3]
		];
		if (corrective) areas.push(['leadership-governance', index % 3]);
		return areas;
	}
	const second = ['inclusion', 'leadership-governance', 'personal-development'][
		(index + Math.floor(index / 3)) % 3
	]!;
	return [
		['curriculum-teaching', index % 3],
		[second, index % AREA_TEXT[second]!.notes.length]
	];
}

/** A drawing of a classroom display (a board with pinned work): no people, no names. */
export function displayPicture(rand: () => number, width = 160, height = 120): Buffer {
	const px = Buffer.alloc(width * height * 3);
	const fill = (x0: number, y0: number, w: number, h: number, rgb: number[]) => {
		for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++)
			for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++)
				px.set(rgb, (y * width + x) * 3);
	};
	const palette = [
		[230, 90, 80],
		[250, 200, 70],
		[90, 170, 110],
		[80, 140, 210],
		[170, 110, 200],
		[250, 150, 60]
	];
	const pick = () => palette[Math.floor(rand() * palette.length)]!;
	fill(0, 0, width, height, [236, 232, 220]); // the wall
	fill(10, 10, width - 20, height - 30, pick()); // the border
	fill(14, 14, width - 28, height - 38, [196, 160, 112]); // cork board
	fill(40, 18, width - 80, 10, [250, 250, 250]); // title strip
	for (let i = 0; i < 6; i++) {
		const x = 20 + (i % 3) * 42;
		const y = 34 + Math.floor(i / 3) * 30;
		fill(x, y, 34, 24, [252, 252, 248]);
		fill(x + 3, y + 3, 12, 8, pick()); // a picture on the work
		for (let line = 0; line < 3; line++)
			fill(x + 3, y + 13 + line * 3, 20 + Math.floor(rand() * 8), 1, [90, 90, 90]);
	}
	fill(0, height - 14, width, 14, [150, 120, 90]); // the floor
	return encodePng(width, height, px);
}

async function putNew(db: Pouch, doc: Doc): Promise<void> {
	try {
		await db.get(doc._id);
	} catch {
		await db.put(doc);
	}
}

/** Seeds terms 1 and 2 for every school; returns the visits it wrote. */
export async function seedVisits(
	storage: Storage,
	schools: VisitSeedSchool[],
	opts: VisitSeedOptions
): Promise<SeededVisit[]> {
	const seeded: SeededVisit[] = [];
	const seed = opts.seed ?? 'riverside-demo';
	const happened = (date: string) => date < opts.today;
	for (const [index, school] of schools.entries()) {
		const rand = random(`${seed}:${school.id}`);
		const db = await storage.ensure(
			schoolDbName(school.id),
			defaultSecurity(schoolDbName(school.id))
		);
		const corrective = school.strand === 'corrective';
		const visitor = school.id === 'millbrook' ? NLE : SIL;
		const grades = GRADES[school.category] ?? GRADES['2a']!;
		let stepNumber = 0;
		for (const term of [1, 2] as const) {
			const termDates = opts.terms.find((t) => t.term === term)!;
			const cal = opts.calendar.find((c) => c.term === term)!;
			const date = weekday(addDays(termDates.start, term === 1 ? 14 + 3 * index : 3 + 2 * index));
			let status: VisitStatus = term === 1 ? 'confirmed' : (TERM2_STATUS[school.id] ?? 'confirmed');
			const confirmedOn = weekday(addDays(date, 2));
			if (!happened(date)) status = 'planned';
			else if (status === 'confirmed' && !happened(confirmedOn)) status = 'shared';
			const took = status !== 'planned';
			const id = visitDocId(opts.year, term, uuidFrom(rand));
			const areas = took ? areasFor(index, term, corrective) : [];
			const at = (day: string, time: string) => `${day}T${time}:00Z`;
			// A planned visit was put in the diary a fortnight before, or on the day the demo starts.
			const created = took ? at(date, '08:45') : at(addDays(opts.today, -1), '10:00');
			const visit = VisitRecord.parse({
				_id: id,
				schemaVersion: SCHEMA_VERSION,
				type: 'visit',
				schoolId: school.id,
				year: opts.year,
				term,
				date,
				visitor: visitor.name,
				visitorName: visitor.fullName,
				status,
				attendees: [
					{ id: newItemId(), name: school.head.fullName, role: 'Headteacher' },
					{ id: newItemId(), name: visitor.fullName, role: visitor.role }
				],
				focus: cal.focus,
				documents: cal.documents.map((label, i) => ({ label, seen: took && i < 3 })),
				activities: cal.activities.map((label, i) => ({
					label,
					done: took && i < (term === 1 ? 3 : 2)
				})),
				...demoVisitType(school.id, term, took),
				discussion: areas.map(([area, n]) => ({
					id: newItemId(),
					...AREA_TEXT[area]!.notes[n]!
				})),
				frameworkId: 'ofsted-2025',
				evaluations: areas.map(([areaId], i) => ({
					areaId,
					gradeId: grades[(i + term + index) % grades.length]!,
					comment: ''
				})),
				safeguarding: took ? 'met' : null,
				daysUsed: took ? 1 : 0,
				...(status === 'shared' || status === 'confirmed'
					? { shared: { by: visitor.name, name: visitor.fullName, at: at(date, '16:30') } }
					: {}),
				...(status === 'confirmed'
					? {
							confirmation: {
								by: school.head.name,
								name: school.head.fullName,
								at: at(confirmedOn, '09:15'),
								comment: [
									'A fair record of our discussion.',
									'Agreed; thank you for the visit.',
									'This reflects what we discussed.'
								][index % 3]!
							}
						}
					: {}),
				addenda: [],
				createdAt: created,
				updatedAt: took ? at(date, '16:30') : created
			});
			await putNew(db, visit as Doc);
			seeded.push({ school: school.id, id, term, date, status });
			if (!took) continue;

			if (term === 1 || corrective) await putNew(db, walk(visit, index, rand) as Doc);

			for (const [k, [area, n]] of areas.entries()) {
				const texts = AREA_TEXT[area]!.steps;
				const text = texts[n % texts.length]!;
				const step = NextStep.parse({
					_id: nextStepDocId(opts.year, uuidFrom(rand)),
					schemaVersion: SCHEMA_VERSION,
					type: 'next-step',
					schoolId: school.id,
					year: opts.year,
					visitId: id,
					areaId: area,
					action: text.action,
					owner: text.owner,
					dueTerm: term + 2,
					successCriteria: text.successCriteria,
					createdBy: visitor.name,
					createdByName: visitor.fullName,
					createdAt: at(date, '16:00')
				});
				await putNew(db, step as Doc);
				// Term-1 steps have had a half-term of work; one in three is done by the head. A step of a
				// record the head has not confirmed is only proposed: no work is reported on it yet.
				const plan: [number, 'in-progress' | 'done'][] =
					status !== 'confirmed'
						? []
						: term === 1
							? [
									[12 + k, 'in-progress'],
									[33 + k, 'in-progress'],
									...((stepNumber + index) % 3 === 1 ? [[52 + k, 'done'] as [number, 'done']] : [])
								]
							: [[9 + k, 'in-progress']];
				stepNumber++;
				for (const [j, [after, updateStatus]] of plan.entries()) {
					const day = weekday(addDays(date, after));
					if (!happened(day)) break;
					const when = at(day, `1${5 + (j % 3)}:${j % 2 ? '30' : '00'}`);
					await putNew(
						db,
						ProgressUpdate.parse({
							_id: progressDocId(step._id, when, uuidFrom(rand)),
							schemaVersion: SCHEMA_VERSION,
							type: 'progress-update',
							schoolId: school.id,
							nextStepId: step._id,
							status: updateStatus,
							note:
								updateStatus === 'done'
									? 'Completed and reviewed with the lead; in place in every class.'
									: PROGRESS_NOTES[(j + k + index) % PROGRESS_NOTES.length]!,
							...(updateStatus === 'done'
								? { evidence: DONE_EVIDENCE[(index + k) % DONE_EVIDENCE.length]! }
								: {}),
							by: school.head.name,
							at: when
						}) as Doc
					);
				}
			}
		}
		storage.notify(schoolDbName(school.id));
	}
	return seeded;
}

/** The learning walk of a visit: three rooms, two of them with a photo of a display. */
function walk(visit: VisitRecord, index: number, rand: () => number): Doc {
	const rooms = [0, 1, 2].map((r) => ROOMS[(index + r * 2 + visit.term) % ROOMS.length]!);
	const attachments: Record<string, { content_type: string; data: string }> = {};
	const parsed = LearningWalk.parse({
		_id: `walk:${visit._id.slice('visit:'.length)}`,
		schemaVersion: SCHEMA_VERSION,
		type: 'learning-walk',
		schoolId: visit.schoolId,
		visitId: visit._id,
		visitor: visit.visitor,
		...(visit.visitorName ? { visitorName: visit.visitorName } : {}),
		date: visit.date,
		lookFors: [...new Set(rooms.flatMap((r) => r.seen))],
		rooms: rooms.map((room, r) => {
			const photos: string[] = [];
			if (r < 2) {
				const name = `photo-${visit.date}-${r + 1}.png`;
				attachments[name] = {
					content_type: 'image/png',
					data: displayPicture(rand).toString('base64')
				};
				photos.push(name);
			}
			return {
				id: newItemId(),
				group: room.group,
				subject: room.subject,
				seen: room.seen,
				strengths: room.strengths,
				toDevelop: room.toDevelop,
				notes: `${room.notes} Photo: the ${room.display}.`,
				photos
			};
		}),
		summary: `Three rooms visited with the headteacher. ${rooms[0]!.strengths} ${rooms[2]!.toDevelop}`,
		createdAt: `${visit.date}T10:00:00Z`,
		updatedAt: `${visit.date}T12:00:00Z`
	});
	return { ...parsed, _attachments: attachments };
}
