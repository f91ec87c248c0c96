import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
	AcademicYear,
	academicYearDocId,
	EvaluationFramework,
	FRAMEWORK_PRESETS,
	frameworkDocId,
	governorRole,
	governorsDbName,
	isRole,
	School,
	schoolDbName,
	schoolDocId,
	schoolRole,
	SCHEMA_VERSION,
	TERM_NAMES,
	TRUST_DB,
	TRUST_SETTINGS_ID,
	TrustSettings,
	VISIT_CALENDAR_ID,
	VisitCalendar,
	type CarterStage,
	type SchoolCategory
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import { recordPerson } from './people.ts';
import { seedAttainment } from './seed-attainment.ts';
import { seedVulnerable } from './seed-vulnerable.ts';
import { seedConcerns } from './seed-concerns.ts';
import { seedVisits } from './seed-visits.ts';
import { seedSituationHistory } from './seed-situation.ts';
import { seedReviews } from './seed-reviews.ts';
import type { App } from './context.ts';
import type { Logger } from './log.ts';
import type { Doc, Pouch, Storage } from './storage.ts';
import {
	hashPassword,
	isKnownRole,
	rolesProblem,
	USER_NAME,
	USERS_DB,
	userDocId,
	type UserDoc
} from './users.ts';

/** Parses with the shared schema, then writes; an existing document is left alone. */
async function putParsed<S extends z.ZodType>(
	db: Pouch,
	schema: S,
	doc: z.input<S>
): Promise<boolean> {
	const parsed = schema.parse(doc) as Doc;
	try {
		await db.get(parsed._id);
		return false;
	} catch {
		await db.put(parsed);
		return true;
	}
}

export async function trustDb(storage: Storage): Promise<Pouch> {
	return storage.ensure(TRUST_DB, defaultSecurity(TRUST_DB));
}

export interface NewSchool {
	id: string;
	name: string;
	urn?: string;
	phase?: School['phase'];
	category: SchoolCategory;
	strand?: School['strand'];
	carterStage?: CarterStage;
	headteacher?: string;
}

/** Adds a school to the trust registry and creates its database with its `_security`. */
export async function createSchool(storage: Storage, s: NewSchool): Promise<School> {
	const doc = School.parse({
		_id: schoolDocId(s.id),
		schemaVersion: SCHEMA_VERSION,
		type: 'school',
		id: s.id,
		name: s.name,
		...(s.urn ? { urn: s.urn } : {}),
		phase: s.phase ?? 'primary',
		category: s.category,
		strand: s.strand ?? (s.carterStage ? 'corrective' : 'preventative'),
		...(s.carterStage ? { carterStage: s.carterStage } : {}),
		...(s.headteacher ? { headteacher: s.headteacher } : {})
	});
	const trust = await trustDb(storage);
	await putParsed(trust, School, doc);
	await storage.ensure(schoolDbName(s.id), defaultSecurity(schoolDbName(s.id)));
	// The copies sent to its chair of governors, who may not read the school's own records.
	await storage.ensure(governorsDbName(s.id), defaultSecurity(governorsDbName(s.id)));
	storage.notify(TRUST_DB);
	return doc;
}

export interface NewUser {
	name: string;
	password: string;
	roles: string[];
	fullName: string;
}

/** Creates or replaces an account in `_users` with a PBKDF2 hash of its password. */
export async function putUser(storage: Storage, u: NewUser, iterations: number): Promise<void> {
	if (!USER_NAME.test(u.name)) throw new Error(`"${u.name}" is not a valid user name`);
	const bad = u.roles.filter((r) => !isKnownRole(r));
	if (bad.length) throw new Error(`unknown roles: ${bad.join(', ')}`);
	const problem = rolesProblem(u.roles);
	if (problem) throw new Error(problem);
	if (u.password.length < 8) throw new Error('a password needs at least 8 characters');
	const users = await storage.ensure(USERS_DB, defaultSecurity(USERS_DB));
	const existing = (await users.get(userDocId(u.name)).catch(() => null)) as UserDoc | null;
	await users.put({
		_id: userDocId(u.name),
		...(existing ? { _rev: existing._rev } : {}),
		type: 'user',
		name: u.name,
		roles: u.roles,
		fullName: u.fullName,
		...(await hashPassword(u.password, iterations))
	});
	storage.notify(USERS_DB);
	await recordPerson(storage, u.name, u.fullName, u.roles);
}

export { recordPerson } from './people.ts';

/** The demo trust's schools: primaries in every category, on both strands. All fictional. */
export const DEMO_SCHOOLS: NewSchool[] = [
	{
		id: 'willow-bank',
		name: 'Willow Bank Primary School',
		urn: '149001',
		category: '1',
		headteacher: 'Mrs Anne Lowther'
	},
	{
		id: 'oakfield',
		name: 'Oakfield Primary School',
		urn: '149002',
		category: '2a',
		headteacher: 'Mrs Sarah Thompson'
	},
	{
		id: 'ashcombe',
		name: 'Ashcombe Primary School',
		urn: '149003',
		category: '2a',
		headteacher: 'Mr Rhys Morgan'
	},
	{
		id: 'hawthorn',
		name: 'Hawthorn Primary School',
		urn: '149004',
		category: '2b',
		headteacher: 'Ms Fiona Clarke'
	},
	{
		id: 'st-aidans',
		name: "St Aidan's Church of England Primary School",
		urn: '149005',
		category: '3',
		strand: 'corrective',
		carterStage: 'repair',
		headteacher: 'Mr Daniel Okafor'
	},
	{
		id: 'kingsmead',
		name: 'Kingsmead Primary School',
		urn: '149006',
		category: '3',
		strand: 'corrective',
		carterStage: 'improve',
		headteacher: 'Mrs Joanne Price'
	},
	{
		id: 'millbrook',
		name: 'Millbrook Primary Academy',
		urn: '149007',
		category: '4',
		strand: 'corrective',
		carterStage: 'stabilise',
		headteacher: 'Mr Thomas Reid'
	}
];

export interface DemoAccount {
	name: string;
	role: string;
	fullName: string;
	roles: string[];
	password: string;
}

function demoAccounts(includeAdmin: boolean): Omit<DemoAccount, 'password'>[] {
	// The SIL supports every school but Millbrook, which has its own NLE support: a school they
	// cannot open shows the access rules at work.
	const all = DEMO_SCHOOLS.filter((s) => s.id !== 'millbrook').map((s) => schoolRole(s.id));
	return [
		...(includeAdmin
			? [{ name: 'admin', role: 'Trust administrator', fullName: 'Priya Shah', roles: ['admin'] }]
			: []),
		{ name: 'ceo', role: 'Chief executive', fullName: 'Dr Margaret Ellison', roles: ['ceo'] },
		{
			name: 'sil',
			role: 'School improvement lead (all schools but Millbrook)',
			fullName: 'James Whitfield',
			roles: ['sil', ...all]
		},
		{
			name: 'head.oakfield',
			role: 'Headteacher, Oakfield Primary School',
			fullName: 'Sarah Thompson',
			roles: ['head', schoolRole('oakfield')]
		},
		{
			name: 'chair.oakfield',
			role: 'Chair of governors, Oakfield Primary School (reads the copies sent)',
			fullName: 'Helen Marsh',
			roles: ['governor', governorRole('oakfield')]
		},
		{
			name: 'head.st-aidans',
			role: "Headteacher, St Aidan's CE Primary (category 3)",
			fullName: 'Daniel Okafor',
			roles: ['head', schoolRole('st-aidans')]
		}
	];
}

const TERM_DATES: [string, string][] = [
	['2026-09-02', '2026-10-23'],
	['2026-11-02', '2026-12-18'],
	['2027-01-05', '2027-02-12'],
	['2027-02-22', '2027-03-26'],
	['2027-04-12', '2027-05-28'],
	['2027-06-07', '2027-07-21']
];

/**
 * The visit calendar of the trust's SI strategy (DOMAIN.md), term by term. No term lists its own
 * discussion areas: a termly visit starts with its season's in the framework the trust evaluates
 * against (`termFocusAreas`), the report card's here, and the calendar's page shows them so.
 */
const CALENDAR: VisitCalendar['terms'] = [
	{
		term: 1,
		focus: 'Review of remaining end-of-year data; targets; improvement plans and strategies',
		documents: [
			'Pupil performance data and analysis',
			'Initial SIP priority summaries (or full SIP)',
			'SEF',
			'Absence and exclusion summary',
			'Pupil premium strategy',
			'Sport funding strategy'
		],
		completedOnDay: ['SI discussion record booklet', 'Attainment & Achievement overview booklet'],
		activities: [
			'Review of SIP and SEF',
			'Review of targets and PP strategy',
			'Learning walk',
			'Joint activities'
		]
	},
	{
		term: 2,
		focus: 'Joint activities linked to school priorities; any new national data',
		documents: [
			'Full SDP/SIP if not seen in term 1',
			'SEF',
			'ASP/FFT if available',
			'Other documents'
		],
		completedOnDay: ['SI discussion record booklet'],
		activities: [
			'Review of SIP and SEF',
			'Lesson visits',
			'Work scrutiny with pupils',
			'Safeguarding activity'
		]
	},
	{
		term: 3,
		focus: 'Key SIP milestones; mid-year summary if data available, or joint activities',
		documents: [
			'Full SIP with review/evaluations',
			'Absence and exclusion summary',
			'Other documents'
		],
		completedOnDay: ['SI discussion record booklet', 'Attainment & Achievement overview booklet'],
		activities: [
			'Joint activities with middle leaders',
			'Pupil view on SMSC / personal development, behaviour and welfare'
		]
	},
	{
		term: 4,
		focus: 'Key SIP milestones; joint activities or mid-year summary if not done in term 3',
		documents: ['Full SIP with review/evaluations (if not done in term 3)', 'Other documents'],
		completedOnDay: ['SI discussion record booklet', 'Attainment & Achievement overview booklet'],
		activities: ['Comparing curriculum plans and pupil work', 'Lesson visits']
	},
	{
		term: 5,
		focus: 'Joint activities',
		documents: [
			'Full SIP with updated review/evaluations',
			'Absence and exclusion summary',
			'Other documents'
		],
		completedOnDay: ['SI discussion record booklet'],
		activities: [
			'Work scrutiny with pupils',
			'Safeguarding activity',
			'Joint activities with leaders'
		]
	},
	{
		term: 6,
		focus: 'End-of-year outcomes',
		documents: ['Full SIP with updated review/evaluations', 'Other documents'],
		completedOnDay: ['SI discussion record booklet', 'Attainment & Achievement overview booklet'],
		activities: ['SEF', 'Identification of draft priorities for next year']
	}
];

/** Writes the trust database: settings, both frameworks, the year and its terms, the calendar. */
export async function seedTrust(storage: Storage): Promise<void> {
	const trust = await trustDb(storage);
	const meta = { schemaVersion: SCHEMA_VERSION };
	await putParsed(trust, TrustSettings, {
		...meta,
		_id: TRUST_SETTINGS_ID,
		type: 'trust-settings',
		name: 'Riverside Learning Trust',
		evaluationFrameworkId: 'ofsted-2025',
		suppressionThreshold: 5,
		headsMayEnterFigures: false
	});
	for (const preset of FRAMEWORK_PRESETS) {
		await putParsed(trust, EvaluationFramework, {
			...meta,
			...preset,
			_id: frameworkDocId(preset.id),
			type: 'evaluation-framework'
		});
	}
	await putParsed(trust, AcademicYear, {
		...meta,
		_id: academicYearDocId('2026-27'),
		type: 'academic-year',
		year: '2026-27',
		terms: TERM_DATES.map(([start, end], i) => ({ term: i + 1, name: TERM_NAMES[i]!, start, end }))
	});
	await putParsed(trust, VisitCalendar, {
		...meta,
		_id: VISIT_CALENDAR_ID,
		type: 'visit-calendar',
		terms: CALENDAR
	});
	storage.notify(TRUST_DB);
}

const YEAR = '2026-27';

/** Each demo school's head, by user name (an account only for some) and full name. */
const demoHead = (s: NewSchool) => ({
	name: `head.${s.id}`,
	fullName: (s.headteacher ?? 'The headteacher').replace(/^(Mrs|Mr|Ms|Dr) /, '')
});

/**
 * Seeds the whole demo trust: registry, school databases, accounts and a term or two of records.
 * `passwords` gives each account's password by name.
 */
export async function seedDemo(
	storage: Storage,
	opts: {
		passwords: (name: string) => string;
		iterations: number;
		includeAdmin: boolean;
		/** yyyy-mm-dd: the day the demo starts; nothing that has happened is dated after it. */
		today?: string;
	}
): Promise<DemoAccount[]> {
	await seedTrust(storage);
	for (const s of DEMO_SCHOOLS) await createSchool(storage, s);
	await seedSituationHistory(storage);
	const visits = await seedVisits(
		storage,
		DEMO_SCHOOLS.map((s) => ({ ...s, head: demoHead(s) })),
		{
			year: YEAR,
			today: opts.today ?? new Date().toISOString().slice(0, 10),
			terms: TERM_DATES.map(([start, end], i) => ({ term: i + 1, start, end })),
			calendar: CALENDAR
		}
	);
	await seedVulnerable(storage);
	await seedConcerns(storage, visits, opts.today ?? new Date().toISOString().slice(0, 10));
	await seedReviews(storage);
	await seedAttainment(
		storage,
		DEMO_SCHOOLS.map((s) => s.id),
		YEAR,
		visits
	);
	const accounts = demoAccounts(opts.includeAdmin).map((a) => ({
		...a,
		password: opts.passwords(a.name)
	}));
	for (const a of accounts) {
		if (!a.roles.every((r) => isRole(r) || /^(school|governor):/.test(r)))
			throw new Error('bad demo role');
		await putUser(storage, a, opts.iterations);
	}
	return accounts;
}

const CREDENTIALS_FILE = 'demo-credentials.json';
const randomPassword = () => crypto.randomBytes(9).toString('base64url');

/**
 * `--demo`: seeds on the first run (no trust settings yet) and returns the accounts to print. The
 * passwords are DEMO_PASSWORD for all, or random ones made once and kept in the data folder.
 */
export async function seedDemoIfNew(app: App, log: Logger): Promise<DemoAccount[]> {
	const file = path.join(app.cfg.dataDir, CREDENTIALS_FILE);
	const trust = await app.storage.get(TRUST_DB);
	const seeded = trust
		? await trust.get(TRUST_SETTINGS_ID).then(
				() => true,
				() => false
			)
		: false;
	if (seeded) {
		try {
			return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoAccount[];
		} catch {
			log.warn('the demo trust exists but its credentials file is missing', { file });
			return [];
		}
	}
	const given = app.cfg.demoPassword;
	const accounts = await seedDemo(app.storage, {
		passwords: () => given ?? randomPassword(),
		iterations: app.cfg.pbkdf2Iterations,
		includeAdmin: !app.cfg.adminUser
	});
	fs.writeFileSync(file, JSON.stringify(accounts, null, 2), { mode: 0o600 });
	log.info('seeded the demo trust', { accounts: accounts.map((a) => a.name) });
	return accounts;
}

export function printDemoBlock(url: string, accounts: DemoAccount[]): void {
	const width = Math.max(...accounts.map((a) => a.name.length), 4);
	const lines = [
		'',
		'================ Demo trust: Riverside Learning Trust ================',
		`  Open ${url}/ and sign in as one of these (fictional) people:`,
		'',
		...accounts.map(
			(a) => `  ${a.name.padEnd(width)}  ${a.password.padEnd(14)}  ${a.fullName} - ${a.role}`
		),
		'',
		'  Passwords come from DEMO_PASSWORD, or were generated on the first run',
		'  and are kept in DATA_DIR/demo-credentials.json.',
		'======================================================================',
		''
	];
	process.stdout.write(lines.join('\n') + '\n');
}
