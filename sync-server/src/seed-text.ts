/**
 * The words of the demo's visit records: discussion notes, next steps and learning-walk rooms a
 * trust would recognise, each filed under the evaluation area it is about (the 2025 report-card
 * areas). Fictional; no pupil or member of staff is named.
 */

export interface DiscussionText {
	area: string;
	evidence: string;
	strengths: string;
	development: string;
}

export interface StepText {
	action: string;
	owner: string;
	successCriteria: string;
}

/** Per area: what was discussed, and next steps that follow from it. */
export const AREA_TEXT: Record<
	string,
	{ label: string; notes: DiscussionText[]; steps: StepText[] }
> = {
	achievement: {
		label: 'Achievement',
		notes: [
			{
				area: 'Achievement',
				evidence:
					'End-of-key-stage results for last summer with the headteacher and the assessment lead; the school’s own analysis by pupil group.',
				strengths:
					'Reading at the expected standard rose for the second year; the school knows which pupils just missed it and why.',
				development:
					'Writing at greater depth is well below national, and few disadvantaged pupils reach it.'
			},
			{
				area: 'Achievement',
				evidence:
					'Autumn targets set against FFT estimates; pupil progress meeting notes for Years 2 and 6.',
				strengths:
					'Targets are ambitious and each class teacher can explain theirs; progress meetings name the support each group receives.',
				development:
					'Targets for pupils with SEND are not yet broken into steps that staff can check during the term.'
			},
			{
				area: 'Achievement',
				evidence:
					'Phonics screening check results, the Year 2 re-check list and the catch-up timetable.',
				strengths:
					'Pupils who did not meet the standard in Year 1 are read with daily and most are now secure.',
				development:
					'The Year 1 result fell below national; the school has not yet checked whether the scheme is taught with fidelity in every group.'
			},
			{
				area: 'Achievement',
				evidence: 'Multiplication tables check results and a sample of Year 4 maths books.',
				strengths: 'Fluency sessions are short, daily and well routined.',
				development:
					'Pupils rarely apply their tables to reasoning problems; books show few multi-step questions.'
			}
		],
		steps: [
			{
				action:
					'Run a moderation session for writing at greater depth with the partner school, using work from Years 2 and 6.',
				owner: 'English lead',
				successCriteria:
					'Teachers’ judgements match the partner school’s on the moderated pieces; greater-depth pupils are named in each class tracker.'
			},
			{
				action:
					'Break the autumn targets for pupils with SEND into half-termly steps that class teachers review.',
				owner: 'SENCo',
				successCriteria:
					'Every pupil with an EHC plan or SEN support has steps for this half-term, reviewed at the next progress meeting.'
			},
			{
				action:
					'Watch a phonics session in each Year 1 group with the reading lead and agree what fidelity to the scheme looks like.',
				owner: 'Reading lead',
				successCriteria:
					'A short fidelity checklist is in use; the spring phonics check shows at least four in five pupils on track.'
			},
			{
				action: 'Add a weekly reasoning problem that uses times tables to the Year 4 maths plan.',
				owner: 'Maths lead',
				successCriteria:
					'Books show a reasoning problem each week; pupils explain their method when asked on the next learning walk.'
			}
		]
	},
	'attendance-behaviour': {
		label: 'Attendance and behaviour',
		notes: [
			{
				area: 'Attendance and behaviour',
				evidence:
					'Absence and exclusion summary for last year and this half-term; discussion with the attendance lead.',
				strengths:
					'Overall attendance is above national and first-day calls are made by 9.30 every morning.',
				development:
					'Persistent absence of disadvantaged pupils remains well above the national figure.'
			},
			{
				area: 'Attendance and behaviour',
				evidence: 'Behaviour log for the half-term; playground and lunchtime observed.',
				strengths: 'Calm corridors and purposeful lessons; pupils know the three school rules.',
				development:
					'Most recorded incidents happen at lunchtime, when the routines of the classroom are not used.'
			},
			{
				area: 'Attendance and behaviour',
				evidence: 'Suspensions over the last two years; the behaviour policy and its review date.',
				strengths:
					'Suspensions have halved since the new policy; reintegration meetings are held every time.',
				development:
					'Staff apply the policy differently in Key Stage 2; the policy has not been reviewed with governors.'
			}
		],
		steps: [
			{
				action:
					'Review the attendance plan for disadvantaged pupils with the attendance lead and governors.',
				owner: 'Deputy headteacher',
				successCriteria:
					'Persistent absence of disadvantaged pupils falls this term; governors have the figures at each meeting.'
			},
			{
				action:
					'Train lunchtime staff in the classroom behaviour routines and rewards, and review the lunchtime log after four weeks.',
				owner: 'Headteacher',
				successCriteria: 'Lunchtime incidents in the log fall by a third by half-term.'
			},
			{
				action: 'Agree a behaviour policy refresh with staff and governors.',
				owner: 'Headteacher',
				successCriteria:
					'Governors approve the refreshed policy; a spring learning walk sees it applied the same way in every class.'
			}
		]
	},
	'curriculum-teaching': {
		label: 'Curriculum and teaching',
		notes: [
			{
				area: 'Curriculum and teaching',
				evidence:
					'Learning walk in Years 2, 4 and 6 with the headteacher; reading books and maths books sampled.',
				strengths:
					'Phonics sessions follow the scheme consistently; pupils use the taught vocabulary when they explain their reasoning.',
				development:
					'Adaptations for pupils with SEND are not yet consistent in Key Stage 2 writing.'
			},
			{
				area: 'Curriculum and teaching',
				evidence:
					'History and geography curriculum plans compared with pupils’ books in Years 3 and 5, with the subject leads.',
				strengths:
					'The plans set out the knowledge to be remembered, and pupils recall earlier topics well.',
				development:
					'Books in Year 5 show less extended writing in the foundation subjects than the plans intend.'
			},
			{
				area: 'Curriculum and teaching',
				evidence:
					'Lesson visits in every class with the deputy headteacher; work scrutiny with pupils.',
				strengths: 'Teachers check understanding often and address misconceptions in the lesson.',
				development:
					'Questioning rarely stretches the most able; few pupils are asked to explain why.'
			}
		],
		steps: [
			{
				action:
					'Adapt Key Stage 2 writing tasks so that pupils with SEND can reach the same learning goals.',
				owner: 'SENCo',
				successCriteria:
					'Books of pupils with SEND show the same task with adapted support; seen in the spring work scrutiny.'
			},
			{
				action:
					'Plan one extended piece of writing each half-term in history or geography in Key Stage 2.',
				owner: 'Humanities lead',
				successCriteria: 'An extended piece per half-term is in every Key Stage 2 book by Easter.'
			},
			{
				action:
					'Train staff in questioning that asks pupils to explain and justify, and follow it with paired lesson visits.',
				owner: 'Deputy headteacher',
				successCriteria:
					'Paired visits see “why” questions in most lessons; the most able explain their reasoning in books.'
			}
		]
	},
	inclusion: {
		label: 'Inclusion',
		notes: [
			{
				area: 'Inclusion',
				evidence: 'SEND register, provision map and a meeting with the SENCo.',
				strengths:
					'The SENCo knows every pupil on the register well; EHC plan reviews are on time.',
				development: 'The provision map does not yet show whether each intervention works.'
			},
			{
				area: 'Inclusion',
				evidence: 'Pupil premium strategy and its review; spending against the three priorities.',
				strengths: 'The strategy is clear and governors challenge its spending.',
				development: 'The gap in reading for disadvantaged pupils has not narrowed in Key Stage 2.'
			}
		],
		steps: [
			{
				action:
					'Add entry and exit measures to each intervention on the provision map and review them each half-term.',
				owner: 'SENCo',
				successCriteria:
					'Every intervention has an entry and exit measure; ineffective ones are stopped.'
			},
			{
				action:
					'Match each disadvantaged pupil in Key Stage 2 who is behind in reading with a daily reading adult.',
				owner: 'Pupil premium lead',
				successCriteria:
					'Every matched pupil reads daily; the spring assessment shows the reading gap narrowing.'
			}
		]
	},
	'personal-development': {
		label: 'Personal development and well-being',
		notes: [
			{
				area: 'Personal development and well-being',
				evidence: 'Pupil voice with Year 5 and 6 pupils; the PSHE plan and the clubs register.',
				strengths: 'Pupils speak confidently about staying safe online and who to tell if worried.',
				development: 'Few disadvantaged pupils take part in clubs after school.'
			}
		],
		steps: [
			{
				action:
					'Offer each disadvantaged pupil a place in an after-school club and track who takes part.',
				owner: 'Pupil premium lead',
				successCriteria:
					'At least half of disadvantaged pupils attend a club by the end of the spring term.'
			}
		]
	},
	'leadership-governance': {
		label: 'Leadership and governance',
		notes: [
			{
				area: 'Leadership and governance',
				evidence:
					'School improvement plan, SEF and the minutes of the last two governors meetings.',
				strengths: 'The SEF is accurate and matches what was seen on the visit.',
				development:
					'The improvement plan’s milestones are not measurable, so governors cannot check progress.'
			},
			{
				area: 'Leadership and governance',
				evidence:
					'Middle leaders’ monitoring files for English and maths; a meeting with both leads.',
				strengths: 'Subject leads know the strengths of their subjects from their own monitoring.',
				development: 'Middle leaders have no time set aside to act on what their monitoring finds.'
			},
			{
				area: 'Leadership and governance',
				evidence: 'Safeguarding audit, single central record and a case file sample with the DSL.',
				strengths: 'Records are thorough and referrals are timely.',
				development: 'Two governors have not completed their safeguarding training.'
			}
		],
		steps: [
			{
				action:
					'Rewrite the improvement plan’s milestones as measurable checks for each term, with governors.',
				owner: 'Headteacher',
				successCriteria:
					'Each priority has a termly milestone that governors can check; reviewed at the spring visit.'
			},
			{
				action:
					'Middle leaders to complete a book look in maths each half-term, with the SIL for the first.',
				owner: 'Maths lead',
				successCriteria:
					'A book look note each half-term, with actions that are followed up in the next one.'
			},
			{
				action: 'Make sure every governor completes safeguarding training this term.',
				owner: 'Chair of governors',
				successCriteria: 'The training log shows every governor trained by the end of term.'
			}
		]
	}
};

/** Progress notes a headteacher writes, in the order a next step usually goes. */
export const PROGRESS_NOTES = [
	'Discussed at the staff meeting; a first draft is with the phase leaders.',
	'Trialled in two classes; the phase leaders are sharing what worked.',
	'Timetabled for every class from after half-term.',
	'First review held with the lead; two changes agreed.',
	'Shared with governors at the curriculum committee.'
];

/** The evidence a head gives when marking a next step done. */
export const DONE_EVIDENCE = [
	'Minutes of the governors meeting, item 6.',
	'Tracker shared with the trust on the portal.',
	'Work scrutiny notes from the phase leaders.',
	'Review note on the shared drive, with the figures.'
];

export interface RoomText {
	group: string;
	subject: string;
	seen: string[];
	strengths: string;
	toDevelop: string;
	notes: string;
	/** What a photo of the room's display shows, for its description. */
	display: string;
}

/** Rooms of a learning walk: what was seen, never a grade for a teacher. */
export const ROOMS: RoomText[] = [
	{
		group: 'Reception',
		subject: 'Phonics',
		seen: ['Clear learning intentions', 'Pupils engaged and on task'],
		strengths: 'Sounds practised with actions; every child joined in.',
		toDevelop: 'Some children waited a long time for a turn with the sound cards.',
		notes: 'Continuous provision linked to the week’s sounds.',
		display: 'sound wall'
	},
	{
		group: 'Year 2',
		subject: 'Reading',
		seen: ['Vocabulary taught and modelled', 'Reading across the curriculum'],
		strengths: 'Books matched to the sounds pupils know.',
		toDevelop: 'Fluency practice was short; few pupils re-read.',
		notes: 'Reading records checked with the class teacher.',
		display: 'reading corner'
	},
	{
		group: 'Year 3',
		subject: 'Maths',
		seen: ['Clear learning intentions', 'Feedback used in books'],
		strengths: 'Concrete resources used well to model column addition.',
		toDevelop: 'Pupils who finished early repeated the same practice.',
		notes: 'Working wall shows the steps of the method.',
		display: 'maths working wall'
	},
	{
		group: 'Year 4',
		subject: 'Science',
		seen: ['Vocabulary taught and modelled', 'Positive relationships and behaviour'],
		strengths: 'Pupils used scientific words when predicting.',
		toDevelop: 'Recording of results was copied from the board.',
		notes: 'States of matter unit, second lesson.',
		display: 'science display'
	},
	{
		group: 'Year 5',
		subject: 'History',
		seen: ['Reading across the curriculum', 'Pupils engaged and on task'],
		strengths: 'Pupils compared two sources and explained which they trusted.',
		toDevelop: 'Writing was short for Year 5.',
		notes: 'Timeline display used to place the Anglo-Saxons.',
		display: 'history timeline'
	},
	{
		group: 'Year 6',
		subject: 'Writing',
		seen: ['Adaptations for pupils with SEND', 'Feedback used in books'],
		strengths: 'Modelled writing shared and then improved with the class.',
		toDevelop: 'Adapted tasks for pupils with SEND were not ready at the start.',
		notes: 'Persuasive letters in draft.',
		display: 'writing working wall'
	}
];
