import {
	ALL_PUPILS_GROUP,
	AttainmentFramework,
	PUPIL_GROUP_CHOICES,
	type AttainmentMeasure,
	type PupilGroup
} from './attainment-schema.ts';

// The administrator's screen for the attainment framework (issue 15): each measure's RAG
// thresholds and which pupil groups the booklets use, as typed, checked here before anything is
// saved. The framework is the trust's document; a change applies to what is calculated from then
// on (figures are stored, RAG never is), so booklets already filled in stay as they are.

/** One measure's RAG rule as the form holds it: numbers as typed. */
export interface RagDraft {
	measureId: string;
	rated: boolean;
	against: 'national' | 'target';
	greenWithin: string;
	amberWithin: string;
}

export interface FrameworkDraft {
	rags: RagDraft[];
	/** The ids of the groups chosen. */
	groups: string[];
}

export interface DraftError {
	/** The form field's id, so the message can point at it: `amber-<measure>`, `groups`. */
	field: string;
	message: string;
}

/** The form as it opens on a framework. */
export function frameworkDraft(framework: AttainmentFramework): FrameworkDraft {
	return {
		rags: framework.measures.map((m) => ({
			measureId: m.id,
			rated: m.rag !== null,
			against: m.rag?.against ?? 'national',
			greenWithin: String(m.rag?.greenWithin ?? 0),
			amberWithin: String(m.rag?.amberWithin ?? defaultAmber(m))
		})),
		groups: framework.groups.map((g) => g.id)
	};
}

const defaultAmber = (m: AttainmentMeasure) => (m.kind === 'percentage' ? 5 : 1);

/** The groups the form offers: the standard choices, then any of the trust's own. */
export function groupChoices(framework: AttainmentFramework): PupilGroup[] {
	const own = framework.groups.filter((g) => !PUPIL_GROUP_CHOICES.some((c) => c.id === g.id));
	return [...PUPIL_GROUP_CHOICES, ...own];
}

/**
 * Why a group is always chosen, or null when the trust may leave it out: all pupils (the key
 * figures and the trust's totals are theirs) and the two groups the disadvantaged gap compares.
 * The form keeps these ticked and says why; `applyFrameworkDraft` still refuses a draft without
 * them, the last guard.
 */
export function groupAlwaysKept(framework: AttainmentFramework, groupId: string): string | null {
	if (groupId === ALL_PUPILS_GROUP) {
		return 'the key figures and the trust’s totals are for all pupils';
	}
	const gap = framework.disadvantagedGap;
	if (gap && (groupId === gap.groupId || groupId === gap.nationalGroupId)) {
		return 'the gap compares disadvantaged pupils with non-disadvantaged pupils';
	}
	return null;
}

/** The largest threshold that makes sense for a measure, in its own unit. */
export function thresholdLimit(m: AttainmentMeasure): number {
	if (m.kind === 'average') return m.max - m.min;
	if (m.kind === 'count') return 1000;
	return 100;
}

/** What a threshold is counted in, for the form's hints and messages. */
export function thresholdUnit(m: AttainmentMeasure): string {
	if (m.kind === 'percentage' || m.kind === 'rate') return 'percentage points';
	return m.kind === 'count' ? 'more than the target' : 'points';
}

/**
 * The number typed, or why it is not a threshold for this measure: a number from 0 to the
 * measure's limit, with at most one decimal place (figures are compared as shown, to one place).
 */
function threshold(
	text: string,
	name: string,
	m: AttainmentMeasure
): { n: number } | { message: string } {
	const t = text.trim();
	if (t === '') return { message: `${m.label}: give the ${name} threshold.` };
	if (!/^-?\d+(\.\d+)?$/.test(t)) return { message: `${m.label}: “${t}” is not a number.` };
	const n = Number(t);
	const limit = thresholdLimit(m);
	if (n < 0 || n > limit) {
		return { message: `${m.label}: the ${name} threshold must be between 0 and ${limit}.` };
	}
	if (!/^\d+(\.\d)?$/.test(t)) {
		return { message: `${m.label}: the ${name} threshold can have one decimal place at most.` };
	}
	return { n };
}

/**
 * The framework with the form's thresholds and groups, or the problems with them in plain words.
 * Nothing else of the framework changes: its measures, sections and points stay as they are.
 */
export function applyFrameworkDraft(
	framework: AttainmentFramework,
	draft: FrameworkDraft
): { ok: true; framework: AttainmentFramework } | { ok: false; errors: DraftError[] } {
	const errors: DraftError[] = [];
	const measures = framework.measures.map((m): AttainmentMeasure => {
		const d = draft.rags.find((r) => r.measureId === m.id);
		if (!d) return m;
		if (!d.rated) return { ...m, rag: null };
		const green = threshold(d.greenWithin, 'green', m);
		const amber = threshold(d.amberWithin, 'amber', m);
		if ('message' in green) errors.push({ field: `green-${m.id}`, message: green.message });
		if ('message' in amber) errors.push({ field: `amber-${m.id}`, message: amber.message });
		if (!('n' in green) || !('n' in amber)) return m;
		if (green.n > amber.n) {
			errors.push({
				field: `green-${m.id}`,
				message: `${m.label}: green (up to ${green.n}) must not reach further than amber (up to ${amber.n}). Put the thresholds in order: green, then amber.`
			});
			return m;
		}
		return {
			...m,
			rag: {
				against: d.against,
				...(green.n > 0 ? { greenWithin: green.n } : {}),
				amberWithin: amber.n
			}
		};
	});

	const chosen = new Set(draft.groups);
	if (!chosen.has(ALL_PUPILS_GROUP)) {
		errors.push({
			field: 'groups',
			message: 'All pupils must stay: the key figures and trust totals are for all pupils.'
		});
	}
	const gap = framework.disadvantagedGap;
	if (gap && !(chosen.has(gap.groupId) && chosen.has(gap.nationalGroupId))) {
		errors.push({
			field: 'groups',
			message:
				'Disadvantaged and non-disadvantaged pupils must stay: the disadvantaged gap compares them.'
		});
	}
	const groups = groupChoices(framework).filter((g) => chosen.has(g.id));
	if (errors.length > 0) return { ok: false, errors };

	const next = AttainmentFramework.safeParse({ ...framework, measures, groups });
	if (!next.success) {
		return {
			ok: false,
			errors: next.error.issues.map((i) => ({ field: 'form', message: i.message }))
		};
	}
	return { ok: true, framework: next.data };
}
