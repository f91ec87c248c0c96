import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { demoUsers, expectAllSent, planVisit, serverGet, signIn } from './helpers.ts';
import { E2E } from './env.ts';

const adminAuth = `Basic ${Buffer.from(`${E2E.admin}:${E2E.password}`).toString('base64')}`;

type Doc = Record<string, unknown> & { _id: string; type?: string };

async function schoolDocs(request: APIRequestContext, school: string): Promise<Doc[]> {
	const { body } = await serverGet<{ rows: { doc: Doc }[] }>(
		request,
		`school-${school}/_all_docs?include_docs=true`
	);
	return body.rows.map((r) => r.doc);
}

/** What a person reads on the page: the main content, without the menu and status line. */
const mainText = (page: Page) => page.locator('main').innerText();

test('the head reads visits and next steps with people’s full names and areas by their labels', async ({
	request,
	page
}) => {
	const { heads } = await demoUsers(request);
	const head = heads.find((h) => h.school === 'oakfield')!;
	const docs = await schoolDocs(request, head.school);
	const confirmed = docs.find((d) => d.type === 'visit' && d.status === 'confirmed')!;
	expect(confirmed, 'the demo has a confirmed visit at Oakfield').toBeTruthy();

	// A record written before full names were kept: only user names on it. The app names the
	// people from the trust's list instead.
	const older: Doc = { ...confirmed, _id: `${confirmed._id}-older`, date: '2026-09-10' };
	delete older._rev;
	delete older.visitorName;
	older.shared = { by: 'sil', at: (confirmed.shared as { at: string }).at };
	const confirmation = confirmed.confirmation as { by: string; at: string; comment: string };
	older.confirmation = { by: confirmation.by, at: confirmation.at, comment: confirmation.comment };
	const put = await request.put(`/couchdb/school-${head.school}/${encodeURIComponent(older._id)}`, {
		headers: { Authorization: adminAuth },
		data: older
	});
	expect(put.status()).toBe(201);

	// The first area this visit evaluated, and its label in the trust's framework.
	const trustDocs = (
		await serverGet<{ rows: { doc: Doc }[] }>(request, 'trust/_all_docs?include_docs=true')
	).body.rows.map((r) => r.doc);
	const framework = trustDocs.find((d) => d._id.endsWith(String(confirmed.frameworkId))) as
		{ areas: { id: string; label: string }[] } | undefined;
	const areaId = (confirmed.evaluations as { areaId: string }[])[0]!.areaId;
	const areaLabel = framework?.areas.find((a) => a.id === areaId)?.label;
	expect(areaLabel, 'the area has a label in the trust’s framework').toBeTruthy();

	await signIn(page, head.name);
	for (const visit of [confirmed, older]) {
		await page.goto(`/visits/${encodeURIComponent(visit._id)}`);
		// The visitor with their title as the trust gives it (none given: school improvement lead).
		await expect(page.getByText('Visitor: James Whitfield, School improvement lead')).toBeVisible();
		// The head is spoken to on their own record, as on the rest of the page, not named.
		await expect(page.locator('main')).toContainText(/✓ Confirmed by you on \d/);
		await expect(page.locator('main')).not.toContainText('Confirmed by the headteacher');
		await expect(page.getByText('Sarah Thompson, Headteacher')).toBeVisible();
		// Who attended, as the visitor typed it.
		await expect(
			page.getByText('James Whitfield, School improvement lead', { exact: true })
		).toBeVisible();
		await expect(page.getByRole('rowheader', { name: areaLabel! })).toBeVisible();
		const text = await mainText(page);
		expect(text).not.toMatch(/\bsil\b|head\.oakfield/);
		// An id of more than one word ("curriculum-teaching") would show as itself.
		if (areaId.includes('-')) expect(text).not.toContain(areaId);
		// A term's number only beside its name, as the seeds and the calendar say it together.
		expect(text).toContain('Autumn 1 (term 1)');
		expect(text.replace(/(Autumn|Spring|Summer) \d \(term \d\)/g, '')).not.toMatch(/term \d/);
		// The printed copy, read by the governors too, names the head.
		await page.goto(`/visits/${encodeURIComponent(visit._id)}/print`);
		await expect(page.getByText('Confirmed by the headteacher, Sarah Thompson')).toBeVisible();
	}

	// The calendar's documents and activities are suggestions: those the visit did not take up
	// are said to be not part of it, with no red cross for the head and governors to read as a
	// failure, on the record and on the print alike.
	type Ticked = { label: string; seen?: boolean; done?: boolean }[];
	const documents = confirmed.documents as Ticked;
	const activities = confirmed.activities as Ticked;
	const unticked = [...documents.filter((d) => !d.seen), ...activities.filter((a) => !a.done)].map(
		(t) => t.label
	);
	expect(unticked.length, 'the demo visit left some suggestions aside').toBeGreaterThan(0);
	for (const path of ['', '/print']) {
		await page.goto(`/visits/${encodeURIComponent(confirmed._id)}${path}`);
		await expect(page.getByText(/^Not part of this visit: /).first()).toBeVisible();
		const text = await mainText(page);
		expect(text).not.toMatch(/✗ Not (seen|done)/);
		for (const label of unticked) expect(text).toContain(label);
		for (const d of documents.filter((x) => x.seen)) expect(text).toContain(`✓ ${d.label}`);
		for (const a of activities.filter((x) => x.done)) expect(text).toContain(`✓ ${a.label}`);
	}

	// A next step agreed in an area, with the head's progress updates (written before full names).
	const updated = new Set(
		docs.filter((d) => d.type === 'progress-update').map((d) => String(d.nextStepId))
	);
	const step = docs.find((d) => d.type === 'next-step' && d.areaId && updated.has(d._id))!;
	expect(step, 'the demo has a next step in an area with progress updates').toBeTruthy();
	const stepArea = String(step.areaId);
	const stepLabel = framework!.areas.find((a) => a.id === stepArea)!.label;
	await page.goto(`/next-steps/${encodeURIComponent(step._id)}`);
	await expect(page.getByText(`supporting ${stepLabel}`)).toBeVisible();
	await expect(page.getByTestId('progress').first()).toContainText('by Sarah Thompson');
	const text = await mainText(page);
	if (stepArea.includes('-')) {
		expect(text).not.toContain(stepArea);
		expect(text).not.toContain(stepArea.replace(/-/g, ' '));
	}
	expect(text).not.toMatch(/head\.oakfield/);
});

test('a visit the SIL plans carries their full name to the trust, and the head sees it', async ({
	browser,
	request,
	page
}) => {
	test.setTimeout(120_000);
	const { sil, heads } = await demoUsers(request);
	const head = heads.find((h) => h.school === 'oakfield')!;
	await signIn(page, sil);
	await page.goto(`/schools/${head.school}`);
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	await page.getByRole('button', { name: 'Share with the headteacher' }).click();
	await expect(
		page.getByText('Shared with the headteacher, waiting for their confirmation.')
	).toBeVisible();
	const visitId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
	const onServer = async () =>
		(await serverGet<Doc>(request, `school-${head.school}/${encodeURIComponent(visitId)}`)).body;
	await expect.poll(async () => (await onServer()).status, { timeout: 30_000 }).toBe('shared');
	const body = await onServer();
	expect(body.visitor).toBe(sil);
	expect(body.visitorName).toBe('James Whitfield');
	expect(body.shared).toMatchObject({ by: sil, name: 'James Whitfield' });

	// The head confirms it: the confirmation carries the head's full name too.
	const headDevice = await browser.newContext({ baseURL: E2E.baseURL });
	const headPage = await headDevice.newPage();
	await signIn(headPage, head.name);
	await headPage.goto(`/visits/${encodeURIComponent(visitId)}`);
	await expect(headPage.getByText('Visitor: James Whitfield')).toBeVisible();
	await headPage.getByRole('button', { name: 'Confirm the record' }).click();
	await expect(headPage.locator('main')).toContainText(/✓ Confirmed by you on \d/);
	await expect.poll(async () => (await onServer()).status, { timeout: 30_000 }).toBe('confirmed');
	expect((await onServer()).confirmation).toMatchObject({ by: head.name, name: 'Sarah Thompson' });

	// Printed for the governors next term, the record still says when it was confirmed: a date
	// and a time, never "today". On screen the head reads it of themselves; the print names them.
	const on = 'on \\d{1,2} [A-Z][a-z]{2,3} \\d{4} at \\d{2}:\\d{2}\\.';
	await expect(headPage.locator('main')).toContainText(new RegExp(`✓ Confirmed by you ${on}`));
	await expect(headPage.locator('main')).not.toContainText('Confirmed by the headteacher');
	await headPage.goto(`/visits/${encodeURIComponent(visitId)}/print`);
	await expect(headPage.locator('main')).toContainText(
		new RegExp(`Confirmed by the headteacher, Sarah Thompson, ${on}`)
	);
	expect(await headPage.locator('main').innerText()).not.toMatch(/\b(today|yesterday)\b/);
	await headDevice.close();
});

test('a wrong password is said plainly and logs no console error', async ({ page, request }) => {
	const { sil } = await demoUsers(request);
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto('/sign-in');
	await page.getByLabel('User name').fill(sil);
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'That user name and password do not match. Check them and try again.'
	);
	// The focus is on what went wrong, not lost to the page, and the password field points to it.
	await expect(page.getByRole('alert')).toBeFocused();
	await expect(page.getByLabel('Password')).toHaveAccessibleDescription(
		'That user name and password do not match. Check them and try again.'
	);
	await expect(page).toHaveURL(/\/sign-in$/);
	expect(errors).toEqual([]);

	// The right password still signs in.
	await page.getByLabel('Password').fill(E2E.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
});

test('signing in offline says so once, and brings the focus to it', async ({
	page,
	context,
	request
}) => {
	const { sil } = await demoUsers(request);
	await page.goto('/sign-in');
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await context.setOffline(true);
	await expect(page.getByText('This device is offline.')).toBeVisible();
	await page.getByLabel('User name').fill(sil);
	await page.getByLabel('Password').fill(E2E.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toHaveText('This device is offline. Connect to the internet to sign in.');
	await expect(alert).toBeFocused();
	await expect(page.locator('main').getByText(/offline|cannot be reached/i)).toHaveCount(1);
	await context.setOffline(false);
});

test('right after sign-in the Sync page says nothing is being sent and shows no browser error words', async ({
	page,
	request
}) => {
	const { sil } = await demoUsers(request);
	// Everything the page says from the first moment, so a word shown for a second is caught too.
	await page.addInitScript(() => {
		const seen = new Set<string>();
		(window as unknown as { __said: Set<string> }).__said = seen;
		const note = () => {
			const text = document.body?.innerText;
			if (text) seen.add(text);
		};
		new MutationObserver(note).observe(document, {
			subtree: true,
			childList: true,
			characterData: true
		});
	});
	await page.goto('/sign-in');
	await page.getByLabel('User name').fill(sil);
	await page.getByLabel('Password').fill(E2E.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	await page.getByRole('link', { name: 'Sync', exact: true }).click();
	await expect(page).toHaveURL(/\/sync$/);
	await expectAllSent(page);
	await expect(page.getByText('Waiting to be sent: nothing')).toBeVisible();
	// A pass started on the Sync page with nothing waiting is a fetch, not a send.
	await page.getByRole('button', { name: 'Sync now' }).click();
	await expectAllSent(page);
	const said = await page.evaluate(() => [
		...(window as unknown as { __said: Set<string> }).__said
	]);
	const lines = new Set(said.flatMap((text) => text.split('\n')));
	expect([...lines].filter((l) => /Sending|Syncing|Failed to fetch/.test(l))).toEqual([]);
});

test('a school’s page names its headteacher and its school improvement lead, from the trust’s accounts', async ({
	page,
	request
}) => {
	const { sil, heads } = await demoUsers(request);
	const head = heads.find((h) => h.school === 'oakfield')!;
	await signIn(page, sil);
	await page.goto(`/schools/${head.school}`);
	const people = page.getByTestId('school-people');
	await expect(people).toContainText(`Headteacher: ${head.fullName}`);
	await expect(people).toContainText('School improvement lead: James Whitfield');
});
