import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { docMeta, Label, Slug } from './common.ts';
import { FRAMEWORK_PRESETS } from './framework-presets.ts';

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

// Plain data, kept in a file without zod (issue 17).
export { FRAMEWORK_PRESETS, OFSTED_2019, OFSTED_2025 } from './framework-presets.ts';

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
