import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { docMeta, Label, Slug } from './common.ts';

export const Rag = lazy(() => z.enum(['green', 'amber', 'red']));
export type Rag = z.infer<typeof Rag>;

/**
 * An evaluation framework: the areas a school is evaluated in and the scale used. Trust data, so a
 * trust can move to a new inspection framework without a new app; older records keep their own.
 */
export const EvaluationFramework = lazy(() =>
	z.object({
		...docMeta,
		...changeMeta,
		type: z.literal('evaluation-framework'),
		id: Slug,
		name: Label,
		areas: z.array(z.object({ id: Slug, label: Label })).min(1),
		/** Best grade first. `rag` is for dashboards, always shown alongside the label. */
		scale: z.array(z.object({ id: Slug, label: Label, rag: Rag })).min(2),
		/** Whether the framework judges safeguarding separately as met / not met. */
		safeguarding: z.boolean()
	})
);
export type EvaluationFramework = z.infer<typeof EvaluationFramework>;

export const frameworkDocId = (id: string) => `framework:${id}`;

type FrameworkPreset = Omit<EvaluationFramework, '_id' | 'schemaVersion' | 'type'>;

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

/**
 * The grades that put a school into an Ofsted category (DOMAIN.md): urgent improvement in any area
 * of the 2025 report card, and the 2019 framework's inadequate (grade 4: in or likely to enter a
 * category). By id, as a trust's copy of a preset keeps its ids: a scale of the trust's own
 * without either has no grade the app can read as a category, and flags none.
 */
export const CATEGORY_GRADE_IDS: readonly string[] = ['urgent-improvement', 'inadequate'];

/**
 * An evaluation area by its label, never its id: from the record's own framework first, then any
 * other framework the device holds, then the presets; an area none of them knows is called by its
 * id in words ("curriculum-teaching" → "Curriculum teaching") rather than shown as code.
 */
export function areaLabel(
	areaId: string,
	frameworks: readonly (Pick<EvaluationFramework, 'areas'> | null | undefined)[]
): string {
	for (const f of [...frameworks, ...FRAMEWORK_PRESETS]) {
		const label = f?.areas.find((a) => a.id === areaId)?.label;
		if (label) return label;
	}
	const words = areaId.replaceAll('-', ' ').trim();
	return words ? words[0]!.toUpperCase() + words.slice(1) : 'An area';
}

/** A grade by its label, found as `areaLabel` finds an area's. */
export function gradeLabel(
	gradeId: string,
	frameworks: readonly (Pick<EvaluationFramework, 'scale'> | null | undefined)[]
): string {
	for (const f of [...frameworks, ...FRAMEWORK_PRESETS]) {
		const label = f?.scale.find((g) => g.id === gradeId)?.label;
		if (label) return label;
	}
	const words = gradeId.replaceAll('-', ' ').trim();
	return words ? words[0]!.toUpperCase() + words.slice(1) : 'Not evaluated';
}
