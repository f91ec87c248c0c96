import fs from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { extractText, getDocumentProxy } from 'unpdf';
import {
	crowdedMenu,
	demoUsers,
	expectAllSent,
	horizontalOverflow,
	newDevice,
	seriousA11yViolations,
	serverGet,
	signIn
} from './helpers.ts';

type Row<T> = { rows: { id: string; doc: T }[] };
type SchoolDoc = {
	type: string;
	id: string;
	name: string;
	category: string;
	strand: string;
	carterStage?: string;
};
type YearDoc = { type: string; year: string; terms: { start: string }[] };
type Doc = { _id: string; type: string; year?: string; [k: string]: unknown };

/** What the trust's server holds, read as the administrator: never assumed by the test. */
async function trustFacts(request: APIRequestContext) {
	const { body } = await serverGet<Row<SchoolDoc & YearDoc & { name: string }>>(
		request,
		'trust/_all_docs?include_docs=true'
	);
	const docs = body.rows.map((r) => r.doc);
	const trustName = docs.find((d) => d.type === 'trust-settings')!.name;
	const today = new Date().toISOString().slice(0, 10);
	const years = docs
		.filter((d) => d.type === 'academic-year')
		.sort((a, b) => a.year.localeCompare(b.year));
	const year = (years.filter((y) => y.terms[0]!.start <= today).pop() ?? years[0])!.year;
	const schools = docs.filter((d) => d.type === 'school');
	return { trustName, year, schools };
}

async function schoolDocs(request: APIRequestContext, id: string): Promise<Doc[]> {
	const { body } = await serverGet<Row<Doc>>(request, `school-${id}/_all_docs?include_docs=true`);
	return body.rows.map((r) => r.doc);
}

/** en-GB as the app writes it; ICU versions differ on "Sep" and "Sept", so both read as "Sep". */
const sameMonth = (s: string) => s.replace(/\bSept\b/g, 'Sep');
function enGbDate(iso: string): string {
	const d = new Date(`${iso}T00:00:00Z`);
	const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' });
	const date = new Intl.DateTimeFormat('en-GB', {
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	});
	return sameMonth(`${weekday.format(d)} ${date.format(d)}`);
}

const STATUS = { open: 'Not started', 'in-progress': 'In progress', done: 'Done' } as const;

test('the CEO reviews a category 3 school on the vulnerable route and downloads its governors’ report', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { ceo, heads } = await demoUsers(request);
	const { trustName, year, schools } = await trustFacts(request);
	const category3 = schools.filter((s) => s.category === '3');
	// The category 3 school with the most records of the year, so the report has something in it.
	const counts = await Promise.all(
		category3.map(
			async (s) => (await schoolDocs(request, s.id)).filter((d) => d.year === year).length
		)
	);
	const school = category3[counts.indexOf(Math.max(...counts))]!;
	const head = heads.find((h) => h.school === school.id);

	const { page, context } = await newDevice(browser);
	await signIn(page, ceo);
	await page.getByRole('link', { name: 'Open the trust dashboard' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Trust dashboard' })).toBeVisible();
	await expect(page.getByTestId('dashboard-row')).toHaveCount(schools.length);
	await page.getByLabel('Category').selectOption('3');
	await expect(page.getByTestId('dashboard-row')).toHaveCount(category3.length);
	await page.getByTestId('dashboard-row').getByRole('link', { name: school.name }).click();

	await expect(
		page.getByRole('heading', { level: 1, name: `School overview: ${school.name}` })
	).toBeVisible();
	// The strand and stage in the words of the school's page, not "Corrective, repair stage strand".
	const strand = `${school.strand === 'corrective' ? 'Corrective' : 'Preventative'} strand`;
	await expect(
		page.getByText(school.carterStage ? `${strand}, ${school.carterStage} stage` : strand, {
			exact: true
		})
	).toBeVisible();
	const commentary = `Reviewed with the headteacher on ${new Date().toISOString()}: phonics is improving; maths books show gaps.`;
	await page.getByLabel('Your commentary').fill(commentary);
	await expect(page.getByTestId('save-state')).toHaveText(/^[✓↻] Saved on this device/);
	await expectAllSent(page);
	await expect
		.poll(async () =>
			(await schoolDocs(request, school.id)).find((d) => d.type === 'school-overview')
		)
		.toMatchObject({ commentary, updatedBy: ceo });
	// The demo's category 3 school is on the vulnerable route: the support agreed shows beside it.
	const mark = (await schoolDocs(request, school.id)).find(
		(d) => d.type === 'vulnerable-mark' && !d.removed
	);
	const plan = mark?.supportPlan as string | undefined;
	if (plan) await expect(page.getByTestId('support-plan')).toHaveText(plan);

	// The governors' report is made on the device, offline.
	await page.getByRole('link', { name: /Summary of this year’s visits/ }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: /Summary of school improvement visits/ })
	).toBeVisible();
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByRole('button', { name: 'Download PDF' })).toBeVisible();
	// Pressed with the keyboard, the button keeps the focus and a status says where the PDF went.
	const downloadButton = page.getByRole('button', { name: /Download PDF|Making the PDF/ });
	await downloadButton.focus();
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.keyboard.press('Enter')
	]);
	await expect(page.getByTestId('pdf-state')).toHaveText('The PDF is in your downloads.');
	await expect(downloadButton).toBeFocused();
	expect(download.suggestedFilename()).toMatch(/\.pdf$/);
	const bytes = fs.readFileSync(await download.path());
	const { text: pages } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), {
		mergePages: false
	});
	const pdf = pages.map((p) => sameMonth(p.replace(/\s+/g, ' ')));
	for (const [i, p] of pdf.entries()) {
		expect(p, `page ${i + 1}`).toContain(trustName);
		expect(p, `page ${i + 1}`).toMatch(/(Autumn|Spring|Summer) [12] \(term [1-6]\), \d{4}-\d{2}/);
		expect(p, `page ${i + 1}`).toMatch(/made on \d{1,2} [A-Z][a-z]{2} \d{4}/);
	}
	const all = pdf.join(' ');
	expect(all).toContain(school.name);

	// Every visit of the year and every agreed next step with its status, as the server has them.
	const docs = await schoolDocs(request, school.id);
	const visits = docs.filter((d) => d.type === 'visit' && d.year === year);
	expect(visits.length).toBeGreaterThan(0);
	for (const v of visits) expect(all).toContain(`Visit on ${enGbDate(v.date as string)}`);
	const steps = docs.filter((d) => d.type === 'next-step' && d.year === year);
	expect(steps.length).toBeGreaterThan(0);
	for (const s of steps) {
		const updates = docs
			.filter((d) => d.type === 'progress-update' && d.nextStepId === s._id)
			.sort((a, b) => String(a.at).localeCompare(String(b.at)));
		const status = (updates.pop()?.status ?? 'open') as keyof typeof STATUS;
		// A step counts as agreed once the head agreed it, or confirmed its visit's record.
		const reply = s.headReply as { agrees: boolean } | undefined;
		const visit = visits.find((v) => v._id === s.visitId);
		const agreed = reply ? reply.agrees : visit?.status === 'confirmed';
		const expected = agreed
			? STATUS[status]
			: reply
				? 'The headteacher disagrees'
				: 'Proposed: waiting for the headteacher';
		const action = (s.action as string).replace(/\s+/g, ' ');
		const at = all.indexOf(action);
		expect(at, action).toBeGreaterThan(-1);
		// The row reads: action, owner, due, status, latest progress.
		expect(all.slice(at + action.length, at + action.length + 160), action).toContain(expected);
	}
	await context.setOffline(false);
	await context.close();

	// The head sees the CEO's review, read only.
	if (head) {
		const h = await newDevice(browser, { width: 360, height: 740 });
		await signIn(h.page, head.name);
		await h.page.getByRole('link', { name: /school overview with the chief executive/ }).click();
		await expect(h.page.getByTestId('commentary')).toHaveText(commentary);
		if (plan) await expect(h.page.getByTestId('support-plan')).toHaveText(plan);
		await expect(h.page.getByRole('button', { name: 'Remove the mark' })).toHaveCount(0);
		await expect(h.page.getByLabel('Your commentary')).toHaveCount(0);
		await h.context.close();
	}
});

async function checkScreen(page: Page, path: string, heading: RegExp) {
	await page.goto(path);
	await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: /^Loading/ })).toHaveCount(0);
	expect(await seriousA11yViolations(page), `axe on ${path}`).toEqual([]);
	expect(await horizontalOverflow(page), `overflow on ${path}`).toBeLessThanOrEqual(0);
}

test('the CEO’s screens are accessible at 360 px and work with a keyboard', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo } = await demoUsers(request);
	const { schools } = await trustFacts(request);
	// A school on the annual cycle: this one opens the form to mark it from the keyboard.
	const school = schools.find((s) => s.category === '2a') ?? schools[0]!;
	const { page, context } = await newDevice(browser, { width: 360, height: 740 });
	await signIn(page, ceo);
	await checkScreen(page, '/dashboard', /Trust dashboard/);
	// The CEO's menu has an entry more than anyone's: each still fits, down to 320 px.
	expect(await crowdedMenu(page)).toEqual([]);
	await page.setViewportSize({ width: 320, height: 740 });
	expect(await crowdedMenu(page), 'menu at 320 px').toEqual([]);
	await page.setViewportSize({ width: 360, height: 740 });
	// The filters are ordinary form controls: reachable and usable from the keyboard.
	await page.getByLabel('Category').focus();
	await page.keyboard.press('ArrowDown');
	await expect(page.getByTestId('dashboard-summary')).toContainText('shown');
	await checkScreen(page, `/schools/${school.id}/overview`, /School overview/);
	await page.getByRole('button', { name: 'Mark the school vulnerable' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByLabel('Support agreed')).toBeVisible();
	// The button pressed has gone: the focus is on the form's first field, not lost to the page.
	await expect(page.getByLabel('Vulnerable from')).toBeFocused();
	expect(await seriousA11yViolations(page)).toEqual([]);
	await page.getByRole('button', { name: 'Cancel' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('button', { name: 'Mark the school vulnerable' })).toBeFocused();
	await checkScreen(page, `/schools/${school.id}/reports/governors`, /Summary of school/);
	await checkScreen(page, `/schools/${school.id}/reports/lgb/2`, /Termly summary/);
	await checkScreen(page, '/reports/board', /Board pack/);
	await context.close();
});
