import type { EvaluationFramework } from './evaluation.ts';

// No zod here: the presets are plain data, and `termFocusAreas` (visit-types.ts) words a term's
// discussion areas with their labels on screens that load no schema (issue 17). The schema that
// checks a framework is `EvaluationFramework` in evaluation.ts, which exports these too.

export type FrameworkPreset = Omit<EvaluationFramework, '_id' | 'schemaVersion' | 'type'>;

/** Ofsted's report card areas and five-point scale (from November 2025): the default. */
export const OFSTED_2025: FrameworkPreset = {
	id: 'ofsted-2025',
	name: 'Ofsted report card (2025)',
	areas: [
		{ id: 'inclusion', label: 'Inclusion' },
		{ id: 'curriculum-teaching', label: 'Curriculum and teaching' },
		{ id: 'achievement', label: 'Achievement' },
		{ id: 'attendance-behaviour', label: 'Attendance and behaviour' },
		{ id: 'personal-development', label: 'Personal development and well-being' },
		{ id: 'early-years', label: 'Early years' },
		{ id: 'leadership-governance', label: 'Leadership and governance' }
	],
	scale: [
		{ id: 'exceptional', label: 'Exceptional', rag: 'green' },
		{ id: 'strong', label: 'Strong standard', rag: 'green' },
		{ id: 'expected', label: 'Expected standard', rag: 'green' },
		{ id: 'needs-attention', label: 'Needs attention', rag: 'amber' },
		{ id: 'urgent-improvement', label: 'Urgent improvement', rag: 'red' }
	],
	safeguarding: true
};

/** The 2019 framework's areas and four grades, kept so that older records still read correctly. */
export const OFSTED_2019: FrameworkPreset = {
	id: 'ofsted-2019',
	name: 'Ofsted education inspection framework (2019)',
	areas: [
		{ id: 'overall-effectiveness', label: 'Overall effectiveness' },
		{ id: 'quality-of-education', label: 'Quality of education' },
		{ id: 'behaviour-attitudes', label: 'Behaviour and attitudes' },
		{ id: 'personal-development', label: 'Personal development' },
		{ id: 'leadership-management', label: 'Leadership and management' },
		{ id: 'early-years', label: 'Early years' }
	],
	scale: [
		{ id: 'outstanding', label: 'Outstanding', rag: 'green' },
		{ id: 'good', label: 'Good', rag: 'green' },
		{ id: 'requires-improvement', label: 'Requires improvement', rag: 'amber' },
		{ id: 'inadequate', label: 'Inadequate', rag: 'red' }
	],
	safeguarding: false
};

export const FRAMEWORK_PRESETS = [OFSTED_2025, OFSTED_2019] as const;
