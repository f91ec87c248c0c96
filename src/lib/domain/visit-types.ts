import type { EvaluationFramework } from './evaluation.ts';
import { OFSTED_2019, OFSTED_2025 } from './framework-presets.ts';
import type { VisitCalendar } from './trust.ts';

// No zod here: the first screens of a cold start import this file (issue 17). The schemas that
// check a visit's type and the trust's setting are in visit.ts and trust.ts; the frameworks'
// presets are plain data beside them.

/**
 * The kinds of visit of the SI menu (seed 002: the termly standards visit, and the menu of reviews
 * a school receives or asks for). A record without a type was written before types existed and is
 * a termly SI visit (`visitTypeOf`).
 */
export const VISIT_TYPES = [
	'termly',
	'teaching-learning',
	'leadership',
	'qa',
	'peer',
	'pupil-premium',
	'send',
	'extra-support'
] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

export const VISIT_TYPE_LABELS: Record<VisitType, string> = {
	termly: 'Termly SI visit',
	'teaching-learning': 'Teaching and learning review',
	leadership: 'Leadership review',
	qa: 'Quality assurance review',
	peer: 'Peer review',
	'pupil-premium': 'Pupil premium review',
	send: 'SEND review',
	'extra-support': 'Extra support the school asked for'
};

export const visitTypeOf = (v: { visitType?: VisitType | undefined }): VisitType =>
	v.visitType ?? 'termly';

export const visitTypeLabel = (v: { visitType?: VisitType | undefined }): string =>
	VISIT_TYPE_LABELS[visitTypeOf(v)];

/**
 * A visit's title before its date: a termly visit keeps the "SI visit" it always had, any other
 * says what kind of visit it is ("SEND review, Thu 19 Nov 2026").
 */
export const visitTitle = (v: { visitType?: VisitType | undefined }): string =>
	visitTypeOf(v) === 'termly' ? 'SI visit' : visitTypeLabel(v);

/**
 * Which visit types count against a school's SI days allowance: a trust setting. A type the trust
 * has not set takes the default: the SIA's own time counts (the termly visits, the reviews and extra
 * support a school asks for); a peer review is led by heads of other schools and an external
 * reviewer "mid Ofsted cycle" (seed 002), not by the SIA's days, so it does not.
 */
export type SiDaysCounting = Record<VisitType, boolean>;

export const DEFAULT_SI_DAYS_COUNTING: SiDaysCounting = {
	termly: true,
	'teaching-learning': true,
	leadership: true,
	qa: true,
	peer: false,
	'pupil-premium': true,
	send: true,
	'extra-support': true
};

/** The trust's counting, each type it has not set taking the default. */
export function siDaysCounting(
	settings: { siDaysCounting?: Partial<Record<VisitType, boolean>> | undefined } | null | undefined
): SiDaysCounting {
	return { ...DEFAULT_SI_DAYS_COUNTING, ...(settings?.siDaysCounting ?? {}) };
}

export const countsAgainstAllowance = (
	v: { visitType?: VisitType | undefined },
	counting: SiDaysCounting
): boolean => counting[visitTypeOf(v)];

/**
 * What a new record of each type starts with. The termly visit takes the trust's calendar for its
 * term (focus, documents, activities) and the term's discussion areas; a review starts with the
 * areas and documents it is about, so the visitor removes what does not apply rather than typing
 * it all.
 */
export interface VisitPreset {
	/** The discussion starts with the term's areas from the calendar (`termFocusAreas`). */
	termlyFocus: boolean;
	focus: string;
	areas: readonly string[];
	documents: readonly string[];
	activities: readonly string[];
	/** The record starts with an evaluation of each of the framework's areas. */
	evaluations: boolean;
}

export const VISIT_PRESETS: Record<VisitType, VisitPreset> = {
	termly: {
		termlyFocus: true,
		focus: '',
		areas: [],
		documents: [],
		activities: [],
		evaluations: true
	},
	'teaching-learning': {
		termlyFocus: false,
		focus:
			'Teaching and learning review: the quality of teaching and the curriculum as pupils receive it',
		areas: ['Curriculum and teaching', 'Pupils’ work', 'Reading', 'Adaptive teaching'],
		documents: ['Curriculum plans', 'Teaching and learning policy', 'Monitoring records'],
		activities: ['Lesson visits', 'Work scrutiny with pupils', 'Pupil voice', 'Learning walk'],
		evaluations: true
	},
	leadership: {
		termlyFocus: false,
		focus: 'Leadership review: the impact of leaders at every level, and governance',
		areas: [
			'Senior leadership',
			'Middle and subject leadership',
			'Governance',
			'Staff development and workload'
		],
		documents: ['SIP', 'SEF', 'Governors’ minutes', 'Monitoring and evaluation schedule'],
		activities: [
			'Meeting with senior leaders',
			'Joint activities with middle leaders',
			'Meeting with governors'
		],
		evaluations: true
	},
	qa: {
		termlyFocus: false,
		focus: 'Quality assurance review: how well the school is doing and what may need improving',
		areas: [
			'Quality of education',
			'Behaviour and attendance',
			'Personal development',
			'Leadership and governance',
			'Safeguarding'
		],
		documents: [
			'SEF',
			'SIP',
			'Pupil performance data and analysis',
			'Absence and exclusion summary',
			'Safeguarding records'
		],
		activities: [
			'Lesson visits',
			'Work scrutiny with pupils',
			'Safeguarding activity',
			'Meeting with leaders'
		],
		evaluations: true
	},
	peer: {
		termlyFocus: false,
		focus: 'Peer review with the leadership group’s heads, mid Ofsted cycle',
		areas: ['The school’s own enquiry question', 'Quality of education', 'Leadership'],
		documents: ['SEF', 'SIP'],
		activities: [
			'Joint lesson visits with the reviewing heads',
			'Work scrutiny with pupils',
			'Pupil voice',
			'Feedback to the headteacher'
		],
		evaluations: true
	},
	'pupil-premium': {
		termlyFocus: false,
		focus: 'Pupil premium review: the strategy and its impact on disadvantaged pupils',
		areas: [
			'Pupil premium strategy',
			'Outcomes of disadvantaged pupils',
			'Attendance of disadvantaged pupils',
			'Barriers to learning'
		],
		documents: [
			'Pupil premium strategy',
			'Pupil performance data for disadvantaged pupils',
			'Absence and exclusion summary'
		],
		activities: [
			'Meeting with the pupil premium lead',
			'Work scrutiny of disadvantaged pupils’ books',
			'Pupil voice'
		],
		evaluations: false
	},
	send: {
		termlyFocus: false,
		focus:
			'SEND review: how well pupils with special educational needs and disabilities are supported',
		areas: [
			'Identification and assessment of needs',
			'Provision and adaptations in lessons',
			'Outcomes for pupils with SEND',
			'Working with families and other services'
		],
		documents: ['SEND report', 'SEND provision map', 'Pupil performance data for pupils with SEND'],
		activities: [
			'Meeting with the SENCo',
			'Learning walk focused on adaptations',
			'Pupil voice',
			'Review of support plans'
		],
		evaluations: false
	},
	'extra-support': {
		termlyFocus: false,
		focus: '',
		areas: [],
		documents: [],
		activities: [],
		evaluations: false
	}
};

type Season = 'autumn' | 'spring' | 'summer';

/**
 * The SEF's yearly rhythm of the trust's calendar (DOMAIN.md), by the framework a record is
 * evaluated against, as its areas' ids. The 2019 framework keeps the SEF's sections: autumn overall
 * effectiveness, behaviour and attitudes; spring quality of education, personal development; summer
 * EYFS, leadership and management. The 2025 report card grades no overall effectiveness: each
 * section is carried over to its counterpart, autumn achievement (last summer's outcomes, published
 * in the autumn) and attendance and behaviour; spring curriculum and teaching, personal development
 * and well-being, and inclusion; summer early years, leadership and governance. Used for a term
 * whose calendar does not list its own areas; an administrator words them on the calendar's page.
 */
export const TERM_AREA_RHYTHM: Readonly<Record<string, Record<Season, readonly string[]>>> = {
	[OFSTED_2019.id]: {
		autumn: ['overall-effectiveness', 'behaviour-attitudes'],
		spring: ['quality-of-education', 'personal-development'],
		summer: ['early-years', 'leadership-management']
	},
	[OFSTED_2025.id]: {
		autumn: ['achievement', 'attendance-behaviour'],
		spring: ['curriculum-teaching', 'personal-development', 'inclusion'],
		summer: ['early-years', 'leadership-governance']
	}
};

/** The framework a new record is evaluated against, as far as its term's areas need it. */
export type FrameworkAreas = Pick<EvaluationFramework, 'id' | 'areas'>;

const seasonOf = (term: number): Season => (term <= 2 ? 'autumn' : term <= 4 ? 'spring' : 'summer');

/**
 * The season's areas of `framework`, in its own words. A framework the rhythm does not know (or
 * none on the device yet) takes the report card's, the default for a new trust.
 */
export function seasonAreas(framework: FrameworkAreas | null, term: number): string[] {
	const f = framework && TERM_AREA_RHYTHM[framework.id] ? framework : OFSTED_2025;
	return TERM_AREA_RHYTHM[f.id]![seasonOf(term)].flatMap(
		(id) => f.areas.find((a) => a.id === id)?.label ?? []
	);
}

/**
 * The discussion areas the calendar gives a term: its own list, else its season's in the framework
 * the record will be evaluated against (`seasonAreas`).
 */
export function termFocusAreas(
	calendar: VisitCalendar | null,
	term: number,
	framework: FrameworkAreas | null
): string[] {
	const own = calendar?.terms.find((t) => t.term === term)?.focusAreas;
	return own ? [...own] : seasonAreas(framework, term);
}

/** How a new record of `type` starts, in the calendar's `term`, evaluated against `framework`. */
export interface BookletStart {
	focus: string;
	areas: string[];
	documents: string[];
	activities: string[];
	evaluations: boolean;
}

export function bookletStart(
	type: VisitType,
	calendar: VisitCalendar | null,
	term: number,
	framework: FrameworkAreas | null
): BookletStart {
	const preset = VISIT_PRESETS[type];
	if (!preset.termlyFocus) {
		return {
			focus: preset.focus,
			areas: [...preset.areas],
			documents: [...preset.documents],
			activities: [...preset.activities],
			evaluations: preset.evaluations
		};
	}
	const plan = calendar?.terms.find((t) => t.term === term);
	return {
		focus: plan?.focus ?? '',
		areas: termFocusAreas(calendar, term, framework),
		documents: [...(plan?.documents ?? [])],
		activities: [...(plan?.activities ?? [])],
		evaluations: preset.evaluations
	};
}
