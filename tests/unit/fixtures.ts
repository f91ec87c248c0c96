import {
	OFSTED_2025,
	SCHEMA_VERSION,
	TERM_NAMES,
	type AcademicYear,
	type EvaluationFramework,
	type LearningWalk,
	type NextStep,
	type ProgressUpdate,
	type VisitRecord
} from '$lib/domain';

/** Small, valid documents for unit tests; each test overrides what it is about. */
export const now = '2026-11-23T10:00:00.000Z';

export function nextStep(overrides: Partial<NextStep> = {}): NextStep {
	return {
		_id: 'next-step:2026-27:a1',
		schemaVersion: SCHEMA_VERSION,
		type: 'next-step',
		schoolId: 'oakfield',
		year: '2026-27',
		action: 'Embed the new phonics scheme in year 1',
		owner: 'Phonics lead',
		dueDate: '2026-12-18',
		successCriteria: 'All year 1 staff teach the scheme daily',
		createdBy: 'sil',
		createdAt: now,
		...overrides
	};
}

export function progress(overrides: Partial<ProgressUpdate> = {}): ProgressUpdate {
	return {
		_id: `progress:2026-27:a1:${overrides.at ?? now}:x`,
		schemaVersion: SCHEMA_VERSION,
		type: 'progress-update',
		schoolId: 'oakfield',
		nextStepId: 'next-step:2026-27:a1',
		status: 'in-progress',
		note: 'Training held for year 1 staff',
		by: 'head.oakfield',
		at: now,
		...overrides
	};
}

export function visit(overrides: Partial<VisitRecord> = {}): VisitRecord {
	return {
		_id: 'visit:2026-27:t2:v1',
		schemaVersion: SCHEMA_VERSION,
		type: 'visit',
		schoolId: 'oakfield',
		year: '2026-27',
		term: 2,
		date: '2026-11-20',
		visitor: 'sil',
		status: 'shared',
		attendees: [{ id: 'att1', name: 'Headteacher', role: 'Headteacher' }],
		focus: 'Joint activities linked to school priorities',
		documents: [{ label: 'SEF', seen: true }],
		activities: [{ label: 'Learning walk', done: true }],
		discussion: [
			{
				id: 'area1',
				area: 'Reading',
				evidence: 'Book looks',
				strengths: 'Fluency',
				development: 'Inference'
			}
		],
		frameworkId: 'ofsted-2025',
		evaluations: [{ areaId: 'achievement', gradeId: 'expected', comment: '' }],
		safeguarding: 'met',
		daysUsed: 1,
		addenda: [],
		createdAt: now,
		updatedAt: now,
		...overrides
	};
}

export function learningWalk(overrides: Partial<LearningWalk> = {}): LearningWalk {
	return {
		_id: 'walk:2026-27:t2:v1',
		schemaVersion: SCHEMA_VERSION,
		type: 'learning-walk',
		schoolId: 'oakfield',
		visitId: 'visit:2026-27:t2:v1',
		visitor: 'sil',
		date: '2026-11-20',
		lookFors: ['Clear learning intentions'],
		rooms: [
			{
				id: 'r1',
				group: 'Year 5',
				subject: 'History',
				seen: [],
				strengths: '',
				toDevelop: '',
				notes: '',
				photos: ['photo-1-aaaaaa.jpg', 'photo-2-bbbbbb.jpg']
			}
		],
		summary: '',
		createdAt: now,
		updatedAt: now,
		...overrides
	};
}

export const sil = { name: 'sil', roles: ['sil', 'school:oakfield'] };
export const head = { name: 'head.oakfield', roles: ['head', 'school:oakfield'] };
export const otherHead = { name: 'head.ash', roles: ['head', 'school:ash'] };
export const ceo = { name: 'ceo', roles: ['ceo'] };
export const admin = { name: 'admin', roles: ['admin'] };

/** The 2025 report-card framework as the trust database holds it. */
export const framework: EvaluationFramework = {
	...OFSTED_2025,
	_id: 'framework:ofsted-2025',
	schemaVersion: SCHEMA_VERSION,
	type: 'evaluation-framework'
};

/** 2026-27 with the demo trust's term dates. */
export const year: AcademicYear = {
	_id: 'year:2026-27',
	schemaVersion: SCHEMA_VERSION,
	type: 'academic-year',
	year: '2026-27',
	terms: [
		['2026-09-02', '2026-10-23'],
		['2026-11-02', '2026-12-18'],
		['2027-01-05', '2027-02-12'],
		['2027-02-22', '2027-03-26'],
		['2027-04-12', '2027-05-28'],
		['2027-06-07', '2027-07-21']
	].map(([start, end], i) => ({ term: i + 1, name: TERM_NAMES[i]!, start: start!, end: end! }))
};
