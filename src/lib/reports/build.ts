import {
	areaLabel,
	assembleOverview,
	CATEGORY_LABELS,
	DEFAULT_SI_DAYS_COUNTING,
	addStepCounts,
	completionPercent,
	countSteps,
	dashboardGrid,
	SAFEGUARDING_LABELS,
	safeguardingShown,
	headlineTrend,
	GRADE_CHANGE_LABELS,
	gradeLabel,
	keyFigures,
	measureById,
	overviewInForce,
	photoCaption,
	ragStatus,
	schoolRoute,
	siDays,
	siDaysText,
	stepDueDate,
	termAsOf,
	termName,
	stepStatusText,
	strandText,
	TRUST_TOTAL_RULE,
	trustTotal,
	VISIT_STATUS_LABELS,
	visitTypeLabel,
	WEAKEST_FIRST_RULE,
	type AcademicYear,
	type AttainmentFramework,
	type EvaluationFramework,
	type GovernorsCopy,
	type GradeChange,
	type KeyFigure,
	type LearningWalk,
	type School,
	type SchoolRoute,
	type SiDays,
	type SiDaysCounting,
	type Strand,
	type StepCounts,
	type TermOverview,
	type VisitRecord
} from '$lib/domain';
import type { SchoolYear } from '$lib/db/overviews';
import { formatDate, formatShortDate, plural, sentence } from '$lib/format';
import { fullName, type PeopleNames } from '$lib/db/names';
import type { Report, ReportBlock, ReportPhoto, ReportSection } from './report';

/** What every report is made from: the trust's year and frameworks, and today's date. */
export interface ReportContext {
	trustName: string;
	year: AcademicYear;
	term: number;
	/** The trust's current evaluation framework (for overviews and the dashboard). */
	framework: EvaluationFramework;
	/** Every framework on the device, by id: older visit records keep their own. */
	frameworks: ReadonlyMap<string, EvaluationFramework>;
	attainmentFramework: AttainmentFramework;
	threshold: number;
	today: string;
	/** The trust's people, to name who wrote a record that does not carry their full name. */
	people?: PeopleNames;
	/** Each visitor's title in words ("Lead practitioner"), named beside the visitor. */
	titles?: Readonly<Record<string, string>>;
	/** Which visit types count against the SI days allowance (`siDaysCounting`); else the default. */
	counting?: SiDaysCounting;
}

/** A term in a list (a select's option, a table's cell): "Autumn 2, 2026-27". */
export const termLabel = (year: AcademicYear, term: number) =>
	`${year.terms.find((t) => t.term === term)?.name ?? `Term ${term}`}, ${year.year}`;

/** A term named alone (a report's or a screen's term): "Autumn 2 (term 2), 2026-27". */
export const termTitle = (year: AcademicYear, term: number) =>
	`${termName(term, year.terms.find((t) => t.term === term)?.name)}, ${year.year}`;

export const categoryText = (school: School) =>
	`${school.category}: ${CATEGORY_LABELS[school.category]}`;

/** SI days in words, the same as on the screens (`siDaysText`). */
const daysText = (d: SiDays) => {
	const t = siDaysText(d);
	return t.planned ? `${t.used}. ${t.planned}` : t.used;
};

/** The school's place on the strategy's route, the same wherever it is reported. */
export function routeFacts(route: SchoolRoute, strand: Strand): [string, string][] {
	if (route.kind === 'annual') {
		// Only the preventative strand is the annual cycle; a corrective school has its support plan.
		const back = strand === 'corrective' ? 'not marked vulnerable' : 'back on the annual cycle';
		return [
			[
				'Vulnerable',
				route.last?.removed ? `No: ${back} since ${formatShortDate(route.last.removed.on)}` : 'No'
			]
		];
	}
	const m = route.mark;
	return [
		['Vulnerable', `Yes, since ${formatShortDate(m.markedOn)}: ${m.reason}`],
		[
			'Meeting with the headteacher',
			m.meetingOn
				? `${formatShortDate(m.meetingOn)}${m.meetingNotes ? `: ${m.meetingNotes}` : ''}`
				: 'Not yet held'
		],
		['Support agreed', m.supportPlan]
	];
}

/** An evaluation grade in words, with where it came from. */
function evaluationsText(v: VisitRecord, frameworks: ReadonlyMap<string, EvaluationFramework>) {
	const f = frameworks.get(v.frameworkId);
	const graded = v.evaluations.filter((e) => e.gradeId);
	if (graded.length === 0) return 'None recorded.';
	return graded
		.map((e) => {
			const area = areaLabel(e.areaId, [f, ...frameworks.values()]);
			const grade = gradeLabel(e.gradeId ?? '', [f, ...frameworks.values()]);
			return `${area}: ${grade}${e.comment ? ` (${e.comment})` : ''}`;
		})
		.join('; ');
}

/**
 * A learning-walk photo in a report. The words printed under it say where it was taken, for a
 * reader finding the room on paper, then what it shows when the visitor said; they name the
 * figure, so the image's alternative is its number only and the visitor's words are read once.
 */
export function walkReportPhoto(
	room: LearningWalk['rooms'][number],
	roomIndex: number,
	photoIndex: number,
	name: string,
	src: string
): ReportPhoto {
	const where = [room.group, room.subject].filter(Boolean).join(' ');
	const caption = photoCaption(room, name);
	const number = `room ${roomIndex + 1}, photo ${photoIndex + 1}`;
	return {
		src,
		alt: `Pupils’ work, ${number}`,
		words: `Room ${roomIndex + 1}${where ? ` (${where})` : ''}, photo ${photoIndex + 1}${caption ? `: ${caption}` : ''}`
	};
}

/** Learning-walk photos chosen for a report, by visit id. */
export type VisitPhotos = ReadonlyMap<string, ReportPhoto[]>;

function visitBlocks(v: VisitRecord, ctx: ReportContext, photos?: VisitPhotos): ReportBlock[] {
	const agreed = v.status === 'confirmed';
	const blocks: ReportBlock[] = [
		{
			kind: 'subheading',
			text: `Visit on ${formatDate(v.date)}: ${visitTypeLabel(v)} (${termLabel(ctx.year, v.term)})`
		},
		{
			kind: 'facts',
			items: [
				['Record', VISIT_STATUS_LABELS[v.status]],
				[
					'Visitor',
					fullName(v.visitor, v.visitorName, ctx.people) +
						(ctx.titles?.[v.visitor] ? `, ${ctx.titles[v.visitor]}` : '')
				],
				['Focus', v.focus || 'Not recorded'],
				[
					'Who attended',
					v.attendees.map((a) => `${a.name}${a.role ? ` (${a.role})` : ''}`).join(', ') ||
						'Not recorded'
				],
				['SI time', plural(v.daysUsed, 'day')]
			]
		}
	];
	if (!agreed) {
		blocks.push({
			kind: 'paragraph',
			text:
				v.status === 'planned'
					? 'This visit is planned.'
					: 'The record of this visit has not yet been confirmed by the headteacher, so its evaluations are not reported.'
		});
		return blocks;
	}
	const done = v.activities.filter((a) => a.done).map((a) => a.label);
	blocks.push({
		kind: 'facts',
		items: [
			['Activities', done.join('; ') || 'None recorded'],
			['Evaluations agreed', evaluationsText(v, ctx.frameworks)],
			[
				'Confirmed',
				v.confirmation
					? `by the headteacher, ${fullName(v.confirmation.by, v.confirmation.name, ctx.people)}, on ${formatShortDate(v.confirmation.at)}`
					: 'by the headteacher'
			]
		]
	});
	for (const d of v.discussion) {
		blocks.push({
			kind: 'paragraph',
			text: `${sentence(d.area)} Strengths: ${sentence(d.strengths) || 'none recorded.'} To develop: ${sentence(d.development) || 'none recorded.'}`
		});
	}
	for (const a of v.addenda) {
		blocks.push({
			kind: 'paragraph',
			text: `Addendum, ${formatShortDate(a.at)}, ${fullName(a.by, a.name, ctx.people)}: ${a.text}`
		});
	}
	const chosen = photos?.get(v._id) ?? [];
	if (chosen.length)
		blocks.push({ kind: 'photos', caption: 'Photos from the learning walk', photos: chosen });
	return blocks;
}

function stepsTable(sy: SchoolYear, ctx: ReportContext, asOf: string): ReportBlock {
	const steps = [...sy.steps].sort(
		(a, b) =>
			stepDueDate(a.step, ctx.year).localeCompare(stepDueDate(b.step, ctx.year)) ||
			a.step.createdAt.localeCompare(b.step.createdAt)
	);
	return {
		kind: 'table',
		caption: 'Next steps, whether the headteacher has agreed them, and their status',
		columns: ['Next step', 'Owner', 'Due', 'Status', 'Latest progress'],
		widths: [5, 2, 2, 2, 4],
		rows: steps.map((s) => {
			const due = s.step.dueDate
				? formatShortDate(s.step.dueDate)
				: `End of ${termLabel(ctx.year, s.step.dueTerm ?? 6)}`;
			return [
				s.step.action,
				s.step.owner,
				due,
				stepStatusText(s, ctx.year, asOf),
				s.lastNote ?? 'No update yet'
			];
		})
	};
}

const countsText = (c: StepCounts) => {
	const pct = completionPercent(c);
	const waiting = [
		c.proposed ? `${c.proposed} proposed, waiting for the headteacher` : '',
		c.disagreed ? `${c.disagreed} the headteacher disagrees with` : ''
	].filter(Boolean);
	return `${c.agreed} agreed, ${c.done} done${pct === null ? '' : ` (${pct}%)`}, ${c.inProgress} in progress, ${c.notStarted} not started; ${c.overdue} overdue${waiting.length ? `; ${waiting.join(', ')}` : ''}`;
};

function base(
	ctx: ReportContext,
	title: string,
	subject: string,
	fileName: string
): Omit<Report, 'sections'> {
	return {
		title,
		subject,
		trustName: ctx.trustName,
		termLabel: termTitle(ctx.year, ctx.term),
		generatedOn: ctx.today,
		landscape: false,
		fileName: `${fileName}-${ctx.year.year}-t${ctx.term}`
	};
}

/**
 * The yearly summary of visits for one school: the single document the chair of governors
 * receives each term, updated, with every visit of the year and every agreed next step.
 */
export function governorsReport(
	sy: SchoolYear,
	ctx: ReportContext,
	copies: readonly GovernorsCopy[] = [],
	/** Learning-walk photos, where the person making the report chose to include them. */
	photos?: VisitPhotos
): Report {
	const visits = sy.visits
		.filter((v) => v.year === ctx.year.year)
		.sort((a, b) => a.date.localeCompare(b.date));
	const asOf = ctx.today;
	const days = siDays(sy.school, visits, asOf, ctx.counting ?? DEFAULT_SI_DAYS_COUNTING);
	const sections: ReportSection[] = [
		{
			heading: 'About this report',
			blocks: [
				{
					kind: 'paragraph',
					text: `A summary of every school improvement visit to ${sy.school.name} in ${ctx.year.year} and of the next steps agreed with the headteacher, as at ${formatDate(asOf)}. It is an internal record for the local governing body, not a report for Ofsted.`
				},
				{
					kind: 'facts',
					items: [
						['Category', categoryText(sy.school)],
						['Strand', strandText(sy.school)],
						['SI time this year', daysText(days)],
						['Visits this year', String(visits.length)]
					]
				}
			]
		},
		{
			heading: 'Visits this year',
			blocks:
				visits.length === 0
					? [{ kind: 'paragraph', text: 'No visits have been recorded this year.' }]
					: visits.flatMap((v) => visitBlocks(v, ctx, photos))
		},
		{
			// Governors are told of agreed next steps: a table that also lists steps still proposed (or
			// disagreed with) says so in its heading, not only in each row's status.
			heading: sy.steps.every((s) => s.agreement === 'agreed')
				? 'Agreed next steps'
				: 'Next steps, agreed and not yet agreed',
			blocks:
				sy.steps.length === 0
					? [{ kind: 'paragraph', text: 'No next steps have been recorded this year.' }]
					: [
							{
								kind: 'paragraph',
								text: countsText(countSteps(sy.steps, ctx.year, asOf))
							},
							stepsTable(sy, ctx, asOf)
						]
		},
		{ heading: 'Attainment and achievement: headline figures', blocks: headlineBlocks(sy, ctx) },
		{
			heading: 'Copies sent to the chair of governors',
			blocks:
				copies.length === 0
					? [{ kind: 'paragraph', text: 'No copy has been recorded as sent this year.' }]
					: [
							{
								kind: 'table',
								caption: 'Each termly copy of this summary sent to governors',
								columns: ['Term', 'Sent on', 'To', 'Recorded by'],
								widths: [2, 2, 3, 2],
								rows: copies.map((c) => [
									termLabel(ctx.year, c.term),
									formatDate(c.sentOn),
									c.to,
									fullName(c.by, c.byName, ctx.people)
								])
							}
						]
		}
	];
	return {
		...base(
			ctx,
			'Summary of school improvement visits',
			sy.school.name,
			`${sy.school.id}-governors`
		),
		sections
	};
}

/**
 * The headline A&A figures for all pupils, each with its value at every update of the booklet
 * through the year (the snapshots kept at visits) and the direction of the latest change.
 */
function headlineBlocks(sy: SchoolYear, ctx: ReportContext): ReportBlock[] {
	const fw = ctx.attainmentFramework;
	const figures = keyFigures(sy.booklet, fw, ctx.threshold);
	if (!sy.booklet || figures.every((k) => k.figure.kind === 'missing'))
		return [{ kind: 'paragraph', text: 'No attainment figures have been entered this year.' }];
	const booklet = sy.booklet;
	return [
		{
			kind: 'table',
			caption: 'Headline figures for all pupils, and how they have changed this year',
			columns: ['Measure', 'Latest figure', 'Through the year', 'Trend'],
			widths: [3, 3, 4, 2],
			rows: figures.map((k) => {
				const point = fw.points.find((p) => p.label === k.pointLabel);
				if (!point) return [k.label, k.figure.display, '–', 'Not known yet'];
				const trend = headlineTrend(booklet, fw, ctx.threshold, {
					measureId: k.measureId,
					groupId: 'all',
					pointId: point.id
				});
				const change = trend.change?.kind === 'value' ? ` (${trend.change.display})` : '';
				return [
					k.label,
					keyFigureText(k),
					trend.points.map((p) => `${p.label}: ${p.figure.display}`).join('; '),
					`${trend.words}${change}`
				];
			})
		}
	];
}

/**
 * A key figure in words, with the assessment point it is from by the framework's own label:
 * "60.0% (national 61.0%), assessment point: Mid-year projection". The label alone ("autumn")
 * read as a season, when targets are set in the autumn too.
 */
export function keyFigureText(k: KeyFigure): string {
	if (k.figure.kind !== 'value') return k.figure.display;
	const national = k.rate
		? ` (${k.rate})`
		: k.national.kind === 'value'
			? ` (national ${k.national.display})`
			: '';
	return `${k.figure.display}${national}${k.pointLabel ? `, assessment point: ${k.pointLabel}` : ''}`;
}

export function gapText(k: KeyFigure): string {
	if (!k.gap) return 'Not tracked';
	return k.gap.kind === 'value' ? `${k.gap.display} (${k.gap.text})` : k.gap.display;
}

/**
 * Safeguarding as last agreed this year, dated as the areas are ("met, agreed 21 Sept 2026"), and
 * its term when that is not the overview’s ("…, in Autumn 1 (term 1)"): a "not met" of term 1
 * still shows in term 2.
 */
export function safeguardingText(o: Pick<TermOverview, 'safeguarding' | 'term'>): string {
	const s = o.safeguarding;
	if (!s) return 'Safeguarding: not yet agreed this year.';
	const when = `${formatShortDate(s.date)}${s.term === o.term ? '' : `, in ${termName(s.term)}`}`;
	return `Safeguarding: ${s.value === 'met' ? 'met' : 'not met'}, agreed ${when}.`;
}

/** The assembled overview as report sections, for the LGB summary. */
export function overviewSections(o: TermOverview): ReportSection[] {
	const ceo = o.overview;
	return [
		{
			heading: 'The school this term',
			blocks: [
				{
					kind: 'facts',
					items: [
						['Category', `${o.school.category}: ${o.categoryLabel}`],
						['Strand', strandText(o.school)],
						['SI time this year', daysText(o.siDays)],
						...routeFacts(o.route, o.school.strand)
					]
				},
				{
					kind: 'paragraph',
					text: ceo?.commentary
						? `The chief executive’s commentary: ${ceo.commentary}`
						: 'The chief executive has not written a commentary for this term yet.'
				}
			]
		},
		{
			heading: 'Evaluations agreed',
			blocks: [
				{
					kind: 'table',
					caption: `Latest agreed evaluation in each area: ${o.frameworkName}`,
					columns: ['Area', 'Evaluation', 'Agreed', 'Change since last term'],
					widths: [4, 3, 2, 3],
					// An area with no agreed grade may have been evaluated at a visit not yet confirmed:
					// "not yet agreed", as the overview says, and said once in the row.
					rows: o.evaluations.map((e) => [
						e.areaLabel,
						e.grade?.label ?? 'Not yet agreed',
						e.grade ? formatShortDate(e.grade.date) : '–',
						e.grade ? GRADE_CHANGE_LABELS[e.change] : '–'
					])
				},
				{
					kind: 'paragraph',
					text: safeguardingText(o)
				}
			]
		},
		{
			heading: 'Visits this term',
			blocks:
				o.visits.length === 0
					? [{ kind: 'paragraph', text: 'No visits this term.' }]
					: [
							{
								kind: 'table',
								caption: 'Visits this term',
								columns: ['Date', 'Visit', 'Focus', 'Record'],
								widths: [2, 3, 5, 3],
								rows: o.visits.map((v) => [
									formatShortDate(v.date),
									visitTypeLabel(v),
									v.focus,
									VISIT_STATUS_LABELS[v.status]
								])
							}
						]
		},
		{
			heading: 'Next steps',
			blocks: [
				{
					kind: 'paragraph',
					text: `${countsText(o.steps)}. ${plural(o.steps.agreedThisTerm, 'next step')} agreed this term.`
				},
				...(o.overdue.length
					? [
							{
								kind: 'table' as const,
								caption: 'Overdue next steps',
								columns: ['Next step', 'Owner', 'Status'],
								widths: [6, 2, 2],
								rows: o.overdue.map((s) => [
									s.step.action,
									s.step.owner,
									stepStatusText(s, null, o.asOf)
								])
							}
						]
					: [])
			]
		},
		{
			heading: 'Attainment and achievement: key figures',
			blocks: [
				{
					kind: 'table',
					caption:
						'All pupils, with the disadvantaged gap (disadvantaged pupils in the school against other pupils nationally)',
					columns: ['Measure', 'Figure', 'Disadvantaged gap'],
					widths: [4, 4, 3],
					rows: o.keyFigures.map((k) => [k.label, keyFigureText(k), gapText(k)])
				}
			]
		}
	];
}

/** The termly summary for the local governing body: the school's overview for the term. */
export function lgbReport(sy: SchoolYear, ctx: ReportContext): Report {
	const o = assembleOverview({
		school: sy.school,
		year: ctx.year,
		term: ctx.term,
		framework: ctx.framework,
		visits: sy.visits,
		steps: sy.steps,
		booklet: sy.booklet,
		attainmentFramework: ctx.attainmentFramework,
		threshold: ctx.threshold,
		overview: sy.overviews.get(ctx.term) ?? null,
		marks: sy.marks,
		today: ctx.today,
		counting: ctx.counting
	});
	return {
		...base(
			ctx,
			'Termly summary for the local governing body',
			sy.school.name,
			`${sy.school.id}-lgb`
		),
		sections: overviewSections(o)
	};
}

/**
 * The RAG rule of each key measure, said once (not in every cell): the statuses of a figure level
 * with its comparator, worse by the amber margin, and worse by more, as `ragStatus` words them.
 */
export function ragKey(
	framework: AttainmentFramework,
	measureIds: readonly string[]
): { label: string; text: string }[] {
	return measureIds.flatMap((id) => {
		const measure = measureById(framework, id);
		const rule = measure?.rag;
		if (!measure || !rule) return [];
		const name = rule.against === 'national' ? 'national' : 'target';
		const value = (v: number) => ({ kind: 'value' as const, value: v, display: String(v) });
		const worse = (by: number) => value(measure.higherIsBetter ? 50 - by : 50 + by);
		const text = [rule.greenWithin ?? 0, rule.amberWithin, rule.amberWithin + 1]
			.map((by) => ragStatus(measure, worse(by), value(50), name))
			.flatMap((r) => (r.kind === 'rag' ? [r.display] : []))
			// Green reaching as far as amber leaves no amber: each status is said once.
			.filter((d, i, all) => all.indexOf(d) === i)
			.join('; ');
		return [{ label: measure.label, text }];
	});
}

/** The grade symbols the screens show beside each grade, so the paper reads the same. */
const RAG_SYMBOLS = { green: '▲', amber: '●', red: '▼' } as const;

/** Each school's commentary of the term, weakest school first, and which schools have none yet. */
function commentaryBlocks(
	schools: SchoolYear[],
	ctx: ReportContext,
	rows: { school: School }[]
): ReportBlock[] {
	const written = rows.flatMap((r) => {
		const text = schools
			.find((s) => s.school.id === r.school.id)
			?.overviews.get(ctx.term)
			?.commentary.trim();
		return text ? [{ school: r.school, text }] : [];
	});
	const without = rows.filter((r) => !written.some((w) => w.school.id === r.school.id));
	return [
		...written.flatMap((w): ReportBlock[] => [
			{ kind: 'subheading', text: w.school.name },
			{ kind: 'paragraph', text: w.text }
		]),
		...(without.length
			? [
					{
						kind: 'paragraph' as const,
						text: `${written.length ? 'No commentary yet' : 'No commentary has been written this term'} for ${without.map((r) => r.school.name).join(', ')}.`
					}
				]
			: [])
	];
}

/**
 * The board pack's direction of travel beside each grade, as the dashboard shows it: short, since a
 * landscape page holds a column for every area; the same grade as last term says nothing.
 */
const CHANGE_NOTES: Record<GradeChange, string> = {
	better: ', better',
	worse: ', worse',
	new: ', new',
	same: '',
	none: ''
};
// The dashboard says "Not yet agreed" in such a cell; on paper a dash keeps the columns narrow.
const CHANGE_KEY =
	'Beside a grade: “better” or “worse” than last term, or “new” when first agreed this term; a grade with nothing beside it is the same as last term. A dash (–): nothing agreed yet this year.';

/**
 * The board pack: the whole trust at a term, weakest school first. Each school carries what the
 * dashboard's flags read beside its records (`withFlagInputs`: open concerns, SILs), so the pack
 * flags what the dashboard flags.
 */
export function boardPack(
	schools: (SchoolYear & { openConcerns?: number; sils?: number })[],
	ctx: ReportContext
): Report {
	const atTerm = schools.map((s) => ({ ...s, overview: overviewInForce(s.overviews, ctx.term) }));
	const rows = dashboardGrid(
		atTerm,
		ctx.framework,
		ctx.year,
		ctx.term,
		ctx.today,
		{},
		ctx.counting ?? DEFAULT_SI_DAYS_COUNTING
	);
	const totals = addStepCounts(rows.map((r) => r.steps));
	const withSafeguarding = safeguardingShown(ctx.framework, rows);
	const asOf = termAsOf(ctx.year, ctx.term, ctx.today);
	// A school closed before the term is not on the grid (`dashboardGrid`), nor in this list.
	const onGrid = new Set(rows.map((r) => r.school.id));
	const vulnerable = atTerm.flatMap((s) => {
		if (!onGrid.has(s.school.id)) return [];
		const route = schoolRoute(s.marks ?? [], asOf);
		return route.kind === 'vulnerable' ? [{ ...s, route }] : [];
	});
	const short = (label: string) => label.replace(/ and /g, ' & ');
	const keyColumns = keyFigures(null, ctx.attainmentFramework, ctx.threshold);
	// The trust's figure from every open school's booklet, at the point of the school's own figure.
	const trustBooklets = schools.filter((s) => !s.school.closed).map((s) => s.booklet ?? null);
	const trustText = (k: KeyFigure) => {
		if (!k.pointId) return '';
		const total = trustTotal(trustBooklets, ctx.attainmentFramework, ctx.threshold, {
			measureId: k.measureId,
			groupId: 'all',
			pointId: k.pointId
		});
		return total.kind === 'value'
			? `; trust ${total.display}${total.suppressed ? `, ${total.suppressed} suppressed left out` : ''}`
			: '';
	};
	const sections: ReportSection[] = [
		{
			heading: 'Summary',
			blocks: [
				{
					kind: 'facts',
					items: [
						['Schools', String(rows.length)],
						['Marked vulnerable', String(vulnerable.length)],
						['Next steps across the trust', countsText(totals)]
					]
				}
			]
		},
		{
			heading: 'Schools marked vulnerable',
			blocks:
				vulnerable.length === 0
					? [{ kind: 'paragraph', text: 'No school is marked vulnerable this term.' }]
					: vulnerable.flatMap((s) => [
							{
								kind: 'subheading' as const,
								text: `${s.school.name} (category ${s.school.category})`
							},
							{ kind: 'facts' as const, items: routeFacts(s.route, s.school.strand) }
						])
		},
		{
			heading: 'The chief executive’s commentary',
			blocks: commentaryBlocks(schools, ctx, rows)
		},
		{
			heading: 'What needs attention',
			blocks: rows.some((r) => r.attention.length)
				? rows
						.filter((r) => r.attention.length)
						.map((r) => ({
							kind: 'paragraph' as const,
							text: `${r.school.name}: ${r.attention.map((f) => f.text).join('; ')}.`
						}))
				: [{ kind: 'paragraph', text: 'Nothing is flagged this term.' }]
		},
		{
			heading: 'Evaluations agreed, weakest school first',
			blocks: [
				{ kind: 'paragraph', text: WEAKEST_FIRST_RULE },
				{ kind: 'paragraph', text: CHANGE_KEY },
				{
					kind: 'table',
					caption: `Latest agreed evaluation in each area${withSafeguarding ? ' and safeguarding' : ''} this year: ${ctx.framework.name}`,
					columns: [
						'School',
						...ctx.framework.areas.map((a) => short(a.label)),
						...(withSafeguarding ? ['Safeguarding'] : [])
					],
					widths: [4, ...ctx.framework.areas.map(() => 2), ...(withSafeguarding ? [2] : [])],
					rows: rows.map((r) => [
						`${r.school.name} (${r.school.category})${r.vulnerable ? ', vulnerable' : ''}${r.school.closed ? `, closed ${formatShortDate(r.school.closed.on)}` : ''}`,
						...r.cells.map((c) =>
							c.grade
								? `${RAG_SYMBOLS[c.grade.rag]} ${c.grade.label}${CHANGE_NOTES[c.change]}`
								: '–'
						),
						// As the dashboard draws it: met with green's symbol, not met with red's.
						...(withSafeguarding
							? [
									r.safeguarding
										? `${RAG_SYMBOLS[r.safeguarding.value === 'met' ? 'green' : 'red']} ${SAFEGUARDING_LABELS[r.safeguarding.value]}`
										: '–'
								]
							: [])
					])
				}
			]
		},
		{
			heading: 'Next steps and SI time by school',
			blocks: [
				{
					kind: 'table',
					caption: 'Next steps agreed this year and SI days used against the allowance',
					columns: ['School', 'Agreed', 'Done', 'Overdue', 'SI days'],
					widths: [5, 2, 2, 2, 3],
					rows: rows.map((r) => [
						r.school.name,
						String(r.steps.agreed),
						`${r.steps.done}${completionPercent(r.steps) === null ? '' : ` (${completionPercent(r.steps)}%)`}`,
						String(r.steps.overdue),
						daysText(r.siDays)
					])
				}
			]
		},
		{
			heading: 'Key attainment figures',
			blocks: [
				...ragKey(
					ctx.attainmentFramework,
					keyColumns.map((k) => k.measureId)
				).map((k) => ({ kind: 'paragraph' as const, text: `Key, ${k.label}: ${k.text}.` })),
				{ kind: 'paragraph', text: TRUST_TOTAL_RULE },
				{
					kind: 'table',
					caption:
						'All pupils, latest figures this year, with the status against the comparator, the disadvantaged gap in brackets (against other pupils nationally) and the trust’s figure at the same point',
					columns: ['School', ...keyColumns.map((k) => k.label)],
					widths: [4, ...keyColumns.map(() => 3)],
					rows: rows.map((r) => {
						const sy = atTerm.find((s) => s.school.id === r.school.id);
						const figs = keyFigures(sy?.booklet ?? null, ctx.attainmentFramework, ctx.threshold);
						return [
							r.school.name,
							...figs.map((k) =>
								k.figure.kind === 'value'
									? `${k.figure.display}${k.rag.kind === 'rag' ? ` ${k.rag.symbol} ${k.rag.label.split(':')[0]}` : ''}${k.gap?.kind === 'value' ? ` (gap ${k.gap.display})` : ''}${trustText(k)}`
									: k.figure.display
							)
						];
					})
				}
			]
		}
	];
	return {
		...base(ctx, 'Board pack: school improvement across the trust', ctx.trustName, 'board-pack'),
		landscape: true,
		sections
	};
}
