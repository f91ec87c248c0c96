// The trust's categories, strands and stages in words, without schemas: the first screens of a
// cold start import this file, and building zod schemas is work they do not need (issue 17). The
// schemas are in school.ts.

/** The trust's categories of school (Strategy for School Improvement). */
export const SCHOOL_CATEGORIES = ['1', '2a', '2b', '3', '4'] as const;
export type SchoolCategory = (typeof SCHOOL_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<SchoolCategory, string> = {
	'1': 'Outstanding',
	'2a': 'Securely good',
	'2b': 'Good with weaknesses',
	'3': 'Requires improvement',
	'4': 'Inadequate'
};

/** Days of SI support a school may receive in a year, by category ("up to"). */
export const SI_DAYS_ALLOWANCE: Record<SchoolCategory, number> = {
	'1': 3,
	'2a': 3,
	'2b': 5,
	'3': 7,
	'4': 10
};

export const STRANDS = ['preventative', 'corrective'] as const;
export type Strand = (typeof STRANDS)[number];

/** Sir David Carter's four stages, for schools on the corrective strand. */
export const CARTER_STAGES = ['stabilise', 'repair', 'improve', 'sustain'] as const;
export type CarterStage = (typeof CARTER_STAGES)[number];

export const CARTER_STAGE_LABELS: Record<CarterStage, string> = {
	stabilise: 'Stabilise',
	repair: 'Repair',
	improve: 'Improve',
	sustain: 'Sustain'
};

type StrandOf = { strand: Strand; carterStage?: CarterStage | undefined };

/** The strand, `named` or not ("Corrective strand" or "Corrective"), and its Carter stage. */
function strandWords(school: StrandOf, named: boolean): string {
	const strand =
		(school.strand === 'corrective' ? 'Corrective' : 'Preventative') + (named ? ' strand' : '');
	// The stage is one of Carter's four words, said as a stage rather than shown as a code.
	return school.carterStage ? `${strand}, ${school.carterStage} stage` : strand;
}

/** The school's strand and Carter stage in words ("Corrective, repair stage"), beside a label. */
export const strandText = (school: StrandOf): string => strandWords(school, false);

/**
 * The strand as a line of a school's facts ("Corrective strand, repair stage"), where the word
 * "strand" is not a label beside it; the school's page and its overview say it alike.
 */
export const strandLine = (school: StrandOf): string => strandWords(school, true);
