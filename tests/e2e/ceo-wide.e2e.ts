import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { extractText, getDocumentProxy } from 'unpdf';
import {
	demoUsers,
	expectAllSent,
	horizontalOverflow,
	newDevice,
	planVisit,
	samplePhoto,
	seriousA11yViolations,
	serverGet,
	signIn
} from './helpers.ts';
import { E2E } from './env.ts';

// The CEO's screens on a wide screen (1440 x 900), as issue 16 asks: the whole width, the order
// said and changeable, what needs attention, the board pack with the commentary, and a PDF that
// says what the screen says.

const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 360, height: 740 };

type Row<T> = { rows: { doc: T }[] };
type Doc = { _id: string; type: string; [k: string]: unknown };

/** The demo trust as the server holds it: schools, the current term, and each school's visits. */
async function trust(request: APIRequestContext) {
	const { body } = await serverGet<Row<Doc>>(request, 'trust/_all_docs?include_docs=true');
	const docs = body.rows.map((r) => r.doc);
	const today = new Date().toISOString().slice(0, 10);
	const year = docs.find((d) => d.type === 'academic-year') as unknown as {
		year: string;
		terms: { term: number; start: string; end: string }[];
	};
	const term = year.terms.filter((t) => t.start <= today).pop()?.term ?? 1;
	const schools = docs.filter((d) => d.type === 'school') as unknown as {
		id: string;
		name: string;
		category: string;
		strand: string;
	}[];
	const visits = async (id: string) =>
		(await serverGet<Row<Doc>>(request, `school-${id}/_all_docs?include_docs=true`)).body.rows
			.map((r) => r.doc)
			.filter((d) => d.type === 'visit' && d.year === year.year);
	// The framework the trust evaluates against, as the app picks it (`trustContext`).
	const chosen = docs.find((d) => d.type === 'trust-settings')?.evaluationFrameworkId;
	const frameworks = docs.filter(
		(d) => d.type === 'evaluation-framework'
	) as unknown as Framework[];
	const framework =
		frameworks.find((f) => f.id === chosen) ?? frameworks.find((f) => f.id === 'ofsted-2025')!;
	return { schools, term, year, visits, framework };
}

type Framework = {
	id: string;
	areas: { id: string; label: string }[];
	scale: { id: string; label: string }[];
};

/**
 * The flag a school should carry for the areas whose latest grade agreed this year, up to the term,
 * is the lowest of the scale ("Urgent improvement: Personal development and well-being"), read
 * from the server's records on their own; null when no area's is.
 */
function lowestGradeFlag(visits: Doc[], framework: Framework, term: number): string | null {
	const agreed = visits
		.filter((v) => v.status === 'confirmed' && v.frameworkId === framework.id)
		.filter((v) => (v.term as number) <= term)
		.sort(
			(a, b) =>
				(a.term as number) - (b.term as number) || String(a.date).localeCompare(String(b.date))
		);
	const latest = new Map<string, string>();
	for (const v of agreed)
		for (const e of v.evaluations as { areaId: string; gradeId: string | null }[])
			if (framework.scale.some((g) => g.id === e.gradeId)) latest.set(e.areaId, e.gradeId!);
	const lowest = framework.scale.at(-1)!;
	const areas = framework.areas.filter((a) => latest.get(a.id) === lowest.id);
	return areas.length ? `${lowest.label}: ${areas.map((a) => a.label).join(', ')}` : null;
}

/**
 * Every demo school has a visit this term, so a school the administrator has just added (none of
 * its records yet) is the one the CEO must be told about.
 */
async function addSchoolWithoutVisits(request: APIRequestContext): Promise<void> {
	const headers = {
		Authorization: `Basic ${Buffer.from(`${E2E.admin}:${E2E.password}`).toString('base64')}`
	};
	const db = await request.put('/couchdb/school-larch-lane', { headers });
	expect([201, 412]).toContain(db.status());
	const doc = await request.put('/couchdb/trust/school:larch-lane', {
		headers,
		data: {
			_id: 'school:larch-lane',
			schemaVersion: 1,
			type: 'school',
			id: 'larch-lane',
			name: 'Larch Lane Primary School',
			phase: 'primary',
			category: '2b',
			strand: 'preventative'
		}
	});
	expect([201, 409]).toContain(doc.status());
}

/**
 * No demo school has safeguarding found not met: a school added for the test, whose one confirmed
 * visit (a demo school's record, copied) found it not met. Its name.
 */
async function addSchoolWithSafeguardingNotMet(request: APIRequestContext): Promise<string> {
	const headers = {
		Authorization: `Basic ${Buffer.from(`${E2E.admin}:${E2E.password}`).toString('base64')}`
	};
	const name = 'Rowan Field Primary School';
	const db = await request.put('/couchdb/school-rowan-field', { headers });
	expect([201, 412]).toContain(db.status());
	const school = await request.put('/couchdb/trust/school:rowan-field', {
		headers,
		data: {
			_id: 'school:rowan-field',
			schemaVersion: 1,
			type: 'school',
			id: 'rowan-field',
			name,
			phase: 'primary',
			category: '2a',
			strand: 'preventative'
		}
	});
	expect([201, 409]).toContain(school.status());
	const { body } = await serverGet<Row<Doc>>(
		request,
		'school-oakfield/_all_docs?include_docs=true'
	);
	const { _rev, ...confirmed } = body.rows
		.map((r) => r.doc)
		.find((d) => d.type === 'visit' && d.status === 'confirmed')!;
	expect(_rev).toBeTruthy();
	const id = `${String(confirmed._id).split(':').slice(0, 3).join(':')}:${crypto.randomUUID()}`;
	const visit = await request.put(`/couchdb/school-rowan-field/${encodeURIComponent(id)}`, {
		headers,
		data: { ...confirmed, _id: id, schoolId: 'rowan-field', safeguarding: 'not-met' }
	});
	expect(visit.status()).toBe(201);
	return name;
}

const rowNames = (page: Page) =>
	page.getByTestId('dashboard-row').locator('th[scope=row] a').allInnerTexts();

test('the CEO’s dashboard uses the width, says its order, sorts by a column and flags schools with no visit this term', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo } = await demoUsers(request);
	await addSchoolWithoutVisits(request);
	const notMet = await addSchoolWithSafeguardingNotMet(request);
	const { schools, term, visits, framework } = await trust(request);
	const byVisits = await Promise.all(schools.map(async (s) => ({ s, visits: await visits(s.id) })));
	// A visit this term counts once it has a record; none of the demo's is a past planned visit.
	const unvisited = byVisits.filter((x) => !x.visits.some((v) => v.term === term));
	const visited = byVisits.filter((x) => x.visits.some((v) => v.term === term));
	expect(unvisited.length, 'the demo has a school with no visit this term').toBeGreaterThan(0);

	const { page, context } = await newDevice(browser, WIDE);
	// The new school's first sync is held back: until it finishes its row says so, and flags no
	// missing visit that may only be on its way.
	let release = () => {};
	const held = new Promise<void>((r) => (release = r));
	await page.route('**/couchdb/school-larch-lane/**', async (route) => {
		await held;
		await route.continue();
	});
	// Signed in without waiting for the first sync, which is held.
	await page.goto('/sign-in');
	await page.getByLabel('User name').fill(ceo);
	await page.getByLabel('Password').fill(E2E.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	await page.goto('/dashboard');
	await expect(page.getByTestId('dashboard-row')).toHaveCount(schools.length);
	const larch = page.getByTestId('dashboard-row').filter({ hasText: 'Larch Lane Primary School' });
	await expect(larch.getByTestId('attention')).toContainText('Loading this school');
	await expect(larch).not.toContainText('No visit');
	await expect(page.getByTestId('dashboard-summary')).toContainText('still loading from the trust');
	release();
	// The order is read once every school's records are on the device: a row still loading is
	// below the others and would move.
	const loadingRows = page.getByTestId('dashboard-row').filter({ hasText: 'Loading this school' });
	await expect(loadingRows).toHaveCount(0, { timeout: 30_000 });
	await expect(page.getByTestId('dashboard-summary')).not.toContainText('still loading');
	await expectAllSent(page);

	// Each cell gives the grade agreed in words, with the change since last term in words too; a
	// school with nothing agreed says so in every cell, with no change.
	// Seven areas, and safeguarding after them.
	const larchCells = larch.locator('td.cell');
	await expect(larchCells).toHaveCount(8);
	for (const text of await larchCells.allInnerTexts()) expect(text.trim()).toBe('Not yet agreed');
	const graded = (await page.locator('td.cell').allInnerTexts()).filter((t) =>
		/Exceptional|Strong standard|Expected standard|Needs attention|Urgent improvement/.test(t)
	);
	expect(graded.length).toBeGreaterThan(0);
	for (const text of graded) {
		expect(text).toMatch(/[▲●▼]/);
		expect(text).toMatch(/(Better than|Worse than|Same as) last term|First agreed this term/);
	}

	// Safeguarding, in its own column after the areas, in words (and a symbol), under its heading:
	// the cell a screen reader reads out with "Safeguarding" is the one that says "Not met".
	const index = (name: RegExp) =>
		page
			.getByTestId('dashboard-grid')
			.getByRole('columnheader', { name })
			.evaluate((th) => (th as HTMLTableCellElement).cellIndex);
	const column = await index(/^Safeguarding/);
	expect(column).toBe((await index(new RegExp(`^${framework.areas.at(-1)!.label}`))) + 1);
	const notMetRow = page.getByTestId('dashboard-row').filter({ hasText: notMet });
	await expect(notMetRow.locator('th, td').nth(column)).toHaveText(/^▼\s*Not met$/);
	await expect(notMetRow.locator('li.flag').first()).toHaveText(
		/Safeguarding not met at the latest visit/
	);
	await expect(larch.locator('th, td').nth(column)).toHaveText('Not yet agreed');
	const met = await page
		.getByTestId('safeguarding')
		.filter({ hasText: /^▲\s*Met$/ })
		.count();
	expect(met, 'the demo schools’ visits found safeguarding met').toBeGreaterThan(0);

	// The content is no longer capped at 1024 px: the grid gets the screen's width.
	const grid = page.getByRole('region', { name: /Latest evaluation agreed/ });
	expect((await grid.boundingBox())!.width).toBeGreaterThan(1300);

	await expect(page.getByTestId('order-rule')).toContainText(
		'Weakest school first: schools marked vulnerable, then category 4 schools'
	);
	const weakestFirst = await rowNames(page);

	// Sorting by the school column: a button in the heading, announced with aria-sort.
	const schoolHeading = page
		.getByTestId('dashboard-grid')
		.getByRole('columnheader', { name: 'School' });
	await schoolHeading.getByRole('button').click();
	await expect(schoolHeading).toHaveAttribute('aria-sort', 'ascending');
	const az = [...weakestFirst].sort((a, b) => a.localeCompare(b, 'en-GB'));
	await expect.poll(() => rowNames(page)).toEqual(az);
	expect(az).not.toEqual(weakestFirst);
	await expect(page.getByTestId('dashboard-summary')).toContainText('Sorted by school, ascending.');
	await schoolHeading.getByRole('button').click();
	await expect(schoolHeading).toHaveAttribute('aria-sort', 'descending');
	await expect.poll(() => rowNames(page)).toEqual([...az].reverse());
	await page.getByRole('button', { name: 'Back to weakest school first' }).click();
	await expect(schoolHeading).not.toHaveAttribute('aria-sort');
	await expect.poll(() => rowNames(page)).toEqual(weakestFirst);
	// Sorted by safeguarding, the school where it was not met comes first.
	const safeguardingHeading = page
		.getByTestId('dashboard-grid')
		.getByRole('columnheader', { name: /^Safeguarding/ });
	await safeguardingHeading.getByRole('button').click();
	await expect(safeguardingHeading).toHaveAttribute('aria-sort', 'descending');
	await expect.poll(async () => (await rowNames(page))[0]).toBe(notMet);
	await expect(page.getByTestId('dashboard-summary')).toContainText(
		'Sorted by safeguarding, descending.'
	);
	await page.getByRole('button', { name: 'Back to weakest school first' }).click();
	await expect.poll(() => rowNames(page)).toEqual(weakestFirst);

	// What needs attention, in words: "yet" while the term is under way.
	for (const { s } of unvisited) {
		const row = page.getByTestId('dashboard-row').filter({ hasText: s.name });
		await expect(row.getByTestId('attention')).toContainText(/No visit (yet )?this term/);
	}
	for (const { s } of visited) {
		const row = page.getByTestId('dashboard-row').filter({ hasText: s.name });
		await expect(row.getByTestId('attention')).not.toContainText('No visit');
	}
	// The new school has no SIL on the trust's list of people; the demo SIL's schools have one.
	await expect(
		page.getByTestId('dashboard-row').filter({ hasText: 'Larch Lane' }).getByTestId('attention')
	).toContainText('No SIL assigned');
	const supported = page.getByTestId('dashboard-row').filter({ hasText: 'Oakfield' });
	await expect(supported.getByTestId('attention')).not.toContainText('No SIL assigned');

	// Urgent improvement in any area puts a school into a category: the areas last agreed at it are
	// named, second only to safeguarding not met (the demo's category 4 school has one).
	const lowest = byVisits.map(({ s, visits }) => ({
		s,
		flag: lowestGradeFlag(visits, framework, term)
	}));
	expect(lowest.some((x) => x.flag?.startsWith('Urgent improvement: '))).toBe(true);
	for (const { s, flag } of lowest) {
		const flags = page.getByTestId('dashboard-row').filter({ hasText: s.name }).locator('li.flag');
		if (!flag) {
			await expect(flags.filter({ hasText: /^⚑?(Urgent improvement|Inadequate):/ })).toHaveCount(0);
			continue;
		}
		const texts = (await flags.allInnerTexts()).map((t) => t.replace('⚑', '').trim());
		expect(texts.filter((t) => !t.startsWith('Safeguarding not met'))[0]).toBe(flag);
	}
	// Each school flagged is counted among those needing the CEO's attention.
	const flaggedRows = await page
		.getByTestId('dashboard-row')
		.filter({ has: page.locator('li.flag') })
		.count();
	await expect(page.getByTestId('dashboard-summary')).toContainText(
		`${flaggedRows} needing your attention`
	);

	// The school stays in view while the grid scrolls sideways (on a narrower window, where the
	// grid no longer fits).
	await page.setViewportSize({ width: 1024, height: 768 });
	const firstSchool = page.getByTestId('dashboard-row').first().locator('th[scope=row]');
	const before = (await firstSchool.boundingBox())!.x;
	await grid.evaluate((el) => el.scrollBy({ left: 400 }));
	await expect.poll(async () => grid.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
	expect((await firstSchool.boundingBox())!.x).toBe(before);
	await page.setViewportSize(WIDE);
	if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT, fullPage: true });
	await context.close();
});

test('the CEO’s dashboard opens already drawn once the device has been idle, and shows a concern raised since', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo, sil, silSchools } = await demoUsers(request);
	const { schools } = await trust(request);
	const schoolId = silSchools.find((r) => r.startsWith('school:'))!.slice('school:'.length);
	const school = schools.find((s) => s.id === schoolId)!;
	const { page, context } = await newDevice(browser, WIDE);
	await signIn(page, ceo);

	/**
	 * Opens the dashboard from Schools: whether it said "Loading the dashboard…" on the way, and
	 * what the school's row said when it was first drawn.
	 */
	const openDashboard = async () => {
		await page.evaluate((name) => {
			const w = window as unknown as { opened: { loading: boolean; row: string | null } };
			w.opened = { loading: false, row: null };
			new MutationObserver(() => {
				w.opened.loading ||= !!document
					.querySelector('main')
					?.textContent?.includes('Loading the dashboard…');
				w.opened.row ??=
					[...document.querySelectorAll('[data-testid="dashboard-row"]')]
						.map((r) => r.textContent ?? '')
						.find((t) => t.includes(name)) ?? null;
			}).observe(document.body, { subtree: true, childList: true, characterData: true });
		}, school.name);
		await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
		await expect(page.getByTestId('dashboard-row')).toHaveCount(schools.length);
		return page.evaluate(
			() => (window as unknown as { opened: { loading: boolean; row: string | null } }).opened
		);
	};

	// The app loaded afresh on Schools (nothing in memory) and left idle: the device reads the
	// dashboard ahead, and it opens drawn, without "Loading". A change arriving in that moment
	// (another test's records) makes it read again, so the open is tried again after a reload.
	await expect(async () => {
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1, name: 'Your schools' })).toBeVisible();
		await page.waitForTimeout(3000);
		expect((await openDashboard()).loading).toBe(false);
	}).toPass({ timeout: 60_000 });

	// A concern the SIL raises from another device reaches this one while Schools is on show. Once
	// it is on the device, the dashboard opens with it: what was read before it is not drawn.
	await page.getByRole('link', { name: 'Schools', exact: true }).click();
	const open = async () =>
		(await serverGet<Row<Doc>>(request, 'concerns/_all_docs?include_docs=true')).body.rows
			.map((r) => r.doc)
			.filter((d) => d.type === 'concern' && d.schoolId === school.id && !d.closed).length;
	const before = await open();
	const id = `concern:${crypto.randomUUID()}`;
	const now = new Date();
	const raised = await request.put(`/couchdb/concerns/${encodeURIComponent(id)}`, {
		headers: {
			Authorization: `Basic ${Buffer.from(`${sil}:${E2E.password}`).toString('base64')}`
		},
		data: {
			_id: id,
			schemaVersion: 1,
			type: 'concern',
			schoolId: school.id,
			raisedOn: now.toISOString().slice(0, 10),
			raisedBy: sil,
			title: 'Safeguarding log not followed up',
			seen: 'Three entries this half term have no recorded follow-up.',
			level: 'action',
			actions: [],
			updatedBy: sil,
			updatedAt: now.toISOString()
		}
	});
	expect(raised.status()).toBe(201);
	const readModel = `si-read:${encodeURIComponent(ceo)}`;
	await expect
		.poll(
			() =>
				page.evaluate(
					([name, key]) =>
						new Promise<boolean>((resolve, reject) => {
							const req = indexedDB.open(name);
							req.onerror = () => reject(req.error);
							req.onsuccess = () => {
								const get = req.result.transaction('concerns').objectStore('concerns').get(key);
								get.onsuccess = () => {
									req.result.close();
									resolve(get.result !== undefined);
								};
							};
						}),
					[readModel, id] as const
				),
			{ timeout: 30_000 }
		)
		.toBe(true);
	const opened = await openDashboard();
	const count = before + 1;
	expect(opened.row).toContain(count === 1 ? '1 open concern' : `${count} open concerns`);
	await context.close();
});

test('the board pack shows the CEO’s commentary, and its PDF keeps the minus sign, ▲ and accented names', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { ceo } = await demoUsers(request);
	const { schools } = await trust(request);
	// Not a school the other CEO tests write to (category 3 and 2a).
	const school = schools.find((s) => s.category === '4') ?? schools[0]!;
	const commentary = `Met Siân Ní Bhriain and Zoë Brontë, the maths leads: the gap is −3.5 points (${Date.now()}).`;

	const { page, context } = await newDevice(browser, WIDE);
	await signIn(page, ceo);
	await page.goto(`/schools/${school.id}/overview`);
	await page.getByLabel('Your commentary').fill(commentary);
	await expect(page.getByTestId('save-state')).toHaveText(/^[✓↻] Saved on this device/);
	await expectAllSent(page);

	// What the dashboard flags this term (the demo has an open concern and a school with no SIL).
	await page.goto('/dashboard');
	const flagged = page.getByRole('row').filter({ has: page.locator('li.flag') });
	await expect(flagged.first()).toBeVisible();
	const flags: string[] = [];
	for (const row of await flagged.all()) {
		const name = await row.getByRole('rowheader').getByRole('link').innerText();
		const texts = await row.locator('li.flag').allInnerTexts();
		flags.push(`${name}: ${texts.map((t) => t.replace('⚑', '').trim()).join('; ')}.`);
	}

	await page.goto('/reports/board');
	await expect(page.getByRole('heading', { level: 1, name: /Board pack/ })).toBeVisible();
	// The pack flags exactly what the dashboard flags.
	const attention = page.getByRole('region', { name: 'What needs attention' });
	await expect(attention.locator('p')).toHaveText(flags);
	// Among them an area agreed as urgent improvement, worded as the dashboard words it.
	expect(flags.some((f) => f.includes(': Urgent improvement: '))).toBe(true);
	const section = page.getByRole('region', { name: 'The chief executive’s commentary' });
	await expect(section.getByRole('heading', { level: 3, name: school.name })).toBeVisible();
	await expect(section).toContainText(commentary);

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Download PDF' }).click()
	]);
	const bytes = new Uint8Array(fs.readFileSync(await download.path()));
	const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
	const pdf = text.replace(/\s+/g, ' ');
	expect(pdf).toContain(commentary);
	expect(pdf).toContain('Siân Ní Bhriain');
	expect(pdf).toContain('−3.5');
	// The RAG key, with its symbols, as the dashboard shows it.
	expect(pdf).toContain('▲ Green: at or above national');
	expect(pdf).toContain('▼ Red');
	await context.close();
});

for (const size of [WIDE, PHONE]) {
	test(`axe finds nothing serious on the CEO’s screens at ${size.width} x ${size.height}`, async ({
		browser,
		request
	}) => {
		test.setTimeout(120_000);
		const { ceo } = await demoUsers(request);
		const { schools } = await trust(request);
		const { page, context } = await newDevice(browser, size);
		await signIn(page, ceo);
		for (const [path, heading] of [
			['/dashboard', /Trust dashboard/],
			[`/schools/${schools[0]!.id}/overview`, /School overview/],
			['/reports/board', /Board pack/]
		] as const) {
			await page.goto(path);
			await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
			await expect(page.getByRole('status').filter({ hasText: /^Loading/ })).toHaveCount(0);
			expect(await seriousA11yViolations(page), `axe on ${path}`).toEqual([]);
			expect(await horizontalOverflow(page), `overflow on ${path}`).toBeLessThanOrEqual(0);
		}
		// Sorted, the headings still pass (aria-sort on the column heading).
		await page.goto('/dashboard');
		await page
			.getByRole('columnheader', { name: /SI days/ })
			.getByRole('button')
			.click();
		expect(await seriousA11yViolations(page)).toEqual([]);
		await context.close();
	});
}

test('the print view of a visit shows the learning walk’s photos', async ({ browser, request }) => {
	test.setTimeout(120_000);
	const { sil, silSchools } = await demoUsers(request);
	const { schools } = await trust(request);
	// A school the SIL supports, other than the one the visit test uses.
	const school = schools.find(
		(s) => silSchools.includes(`school:${s.id}`) && s.category === '2a' && s.id !== 'oakfield'
	)!;
	const { page, context } = await newDevice(browser, WIDE);
	await signIn(page, sil);
	await page.goto(`/schools/${school.id}`);
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	const visitPath = new URL(page.url()).pathname;
	await page.getByRole('link', { name: /^Learning walk/ }).click();
	await page.getByRole('button', { name: 'Start the learning walk' }).click();
	await page.getByRole('button', { name: 'Add a room' }).click();
	await page.getByLabel('Class or year group').fill('Year 5');
	await page.getByLabel('Subject').fill('Science');
	await page.locator('input[type=file]').setInputFiles({
		name: 'work.png',
		mimeType: 'image/png',
		buffer: samplePhoto()
	});
	await expect(page.getByRole('img', { name: /room 1, photo 1/ })).toBeVisible();
	// A second photo, said in the visitor's words.
	await page.locator('input[type=file]').setInputFiles({
		name: 'diagram.png',
		mimeType: 'image/png',
		buffer: samplePhoto()
	});
	await page.getByLabel('What photo 2 shows').fill('Labelled diagrams of plant growth');
	await expect(page.getByRole('img', { name: 'Labelled diagrams of plant growth' })).toBeVisible();
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');

	await page.goto(`${visitPath}/print`);
	const photo = page.getByRole('img', {
		name: /Photo 1 of pupils' work in room 1: Year 5 Science/
	});
	await expect(photo).toBeVisible();
	// The visitor's words are the figure's caption, read once: the image keeps its number.
	const figure = page.getByRole('figure', {
		name: 'Room 1, photo 2: Labelled diagrams of plant growth'
	});
	await expect(
		figure.getByRole('img', { name: "Photo 2 of pupils' work in room 1: Year 5 Science" })
	).toBeVisible();
	await expect(page.getByRole('img', { name: /Labelled diagrams/ })).toHaveCount(0);
	// The image has really loaded (not a placeholder), so it prints.
	await expect
		.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
		.toBeGreaterThan(0);
	await context.close();
});

test('a termly summary of a term the year does not have says so, and a term to come says it has not begun', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo } = await demoUsers(request);
	const { schools, term, year } = await trust(request);
	const school = schools[0]!;
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, ceo);

	await page.goto(`/schools/${school.id}/reports/lgb/9`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Report not available');
	await expect(page.getByText('There is no term 9: a year has terms 1 to 6.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Download PDF' })).toHaveCount(0);

	// The term chooser says which term this is; the next term (when the year has one) has not begun.
	await page.goto(`/schools/${school.id}/overview`);
	await expect(page.getByLabel('Term').locator('option:checked')).toContainText('(this term)');
	const next = year.terms.find((t) => t.term === term + 1);
	const asAt = page.getByTestId('as-at');
	await expect(asAt).toContainText('As at');
	if (next && next.start > new Date().toISOString().slice(0, 10)) {
		await page.getByLabel('Term', { exact: true }).selectOption(String(next.term));
		await expect(asAt).toContainText('This term has not begun');
	}

	// A corrective school not marked vulnerable is on its strand, not the annual cycle.
	const corrective = schools.find((s) => s.strand === 'corrective' && s.category === '4')!;
	await page.goto(`/schools/${corrective.id}/overview`);
	const route = page.getByTestId('vulnerable-route');
	await expect(route).toContainText('Not marked vulnerable: on the corrective strand');
	await expect(route).not.toContainText('annual cycle');
	await context.close();
});
