import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import {
	demoUsers,
	expectAllSent,
	horizontalOverflow,
	newDevice,
	samplePhoto,
	screensFitBigText,
	seriousA11yViolations,
	serverGet,
	signIn
} from './helpers.ts';
import { E2E } from './env.ts';

// Issue 16: the head's screens on a phone, and every route's guard. Everything runs at 360 x 740.
const PHONE = { width: 360, height: 740 };
const NOT_AVAILABLE = 'This page is not available to you';
const adminAuth = `Basic ${Buffer.from(`${E2E.admin}:${E2E.password}`).toString('base64')}`;

type Doc = { _id: string; _rev?: string; type?: string; status?: string; date?: string };

async function schoolDocs(request: APIRequestContext, school: string): Promise<Doc[]> {
	const { body } = await serverGet<{ rows: { doc: Doc }[] }>(
		request,
		`school-${school}/_all_docs?include_docs=true`
	);
	return body.rows.map((r) => r.doc);
}

async function schoolName(request: APIRequestContext, school: string): Promise<string> {
	const { body } = await serverGet<{ name: string }>(request, `trust/school:${school}`);
	return body.name;
}

/** A head of the demo trust and the visit records shared with them, from the server. */
async function headWithShared(request: APIRequestContext) {
	const users = await demoUsers(request);
	for (const head of users.heads) {
		const shared = (await schoolDocs(request, head.school))
			.filter((d) => d.type === 'visit' && d.status === 'shared')
			.sort((a, b) => a.date!.localeCompare(b.date!));
		if (shared.length > 0) return { ...users, head, shared };
	}
	throw new Error('No head in the demo trust has a visit record shared with them');
}

/** A phone signed in as a head of the demo trust whose school has next steps (the last such). */
async function headWithStepsSignedIn(browser: Browser, request: APIRequestContext) {
	const { heads } = await demoUsers(request);
	let head = heads[0]!;
	for (const h of heads) {
		if ((await schoolDocs(request, h.school)).some((d) => d.type === 'next-step')) head = h;
	}
	const device = await newDevice(browser, PHONE);
	await signIn(device.page, head.name);
	return device;
}

/** Sign in without waiting for the first sync, which a test may be holding back. */
async function startSignIn(page: Page, name: string) {
	await page.goto('/sign-in');
	await page.getByLabel('User name').fill(name);
	await page.getByLabel('Password').fill(E2E.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** Every visible link and button smaller than 44 x 44 px, measured as Playwright sees it. */
async function smallTargets(page: Page): Promise<string[]> {
	const small: string[] = [];
	for (const el of await page.locator('a:visible, button:visible, summary:visible').all()) {
		// The skip link is off screen until it is focused.
		if (await el.evaluate((e) => e.classList.contains('visually-hidden'))) continue;
		const box = await el.boundingBox();
		if (!box || box.width === 0) continue;
		if (box.width < 44 - 0.5 || box.height < 44 - 0.5) {
			const text = ((await el.textContent()) ?? '').trim().slice(0, 40);
			small.push(`"${text}" is ${Math.round(box.width)} x ${Math.round(box.height)} px`);
		}
	}
	return small;
}

/** The main menu's entries, and how many rows they take. */
async function menuRows(page: Page) {
	const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
	const tops = new Set<number>();
	for (const link of await links.all()) tops.add(Math.round((await link.boundingBox())!.y));
	return { labels: await links.allTextContents(), rows: tops.size };
}

test('the head’s home leads with what waits for their confirmation, saying Loading until it has arrived', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { head, shared } = await headWithShared(request);
	const { page, context } = await newDevice(browser, PHONE);
	// Hold the school's first sync back, to see what the home says while its data is arriving.
	let release = () => {};
	const held = new Promise<void>((r) => (release = r));
	await page.route(`**/couchdb/school-${head.school}/**`, async (route) => {
		await held;
		await route.continue();
	});
	await startSignIn(page, head.name);
	const card = page.getByTestId('waiting-confirmation');
	await expect(card.getByRole('heading')).toHaveText('Waiting for your confirmation');
	await expect(card).toContainText('Loading…');
	await expect(card).not.toContainText('Nothing is waiting');

	release();
	await expectAllSent(page);
	const count = shared.length;
	await expect(card).toContainText(`${count} ${count === 1 ? 'visit record' : 'visit records'}`);
	await expect(card).not.toContainText('Loading');
	const links = card.getByRole('link');
	await expect(links).toHaveCount(count);
	// The card is the first thing under the heading, on the first screen of the phone.
	expect((await card.boundingBox())!.y).toBeLessThan(PHONE.height / 2);

	await links.first().click();
	await expect(page.getByRole('heading', { level: 1, name: /^SI visit,/ })).toBeVisible();
	expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/visits/${shared[0]!._id}`);
	await expect(page.getByRole('button', { name: 'Confirm the record' })).toBeVisible();
	await context.close();
});

test('until the school’s own record has arrived, the head reads “Your school”, never its id', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { head, shared } = await headWithShared(request);
	const name = await schoolName(request, head.school);
	const { page, context } = await newDevice(browser, PHONE);
	// Hold the trust's records (the school's name among them) back; the school's own data comes.
	let release = () => {};
	const held = new Promise<void>((r) => (release = r));
	await page.route('**/couchdb/trust/**', async (route) => {
		await held;
		await route.continue();
	});
	await startSignIn(page, head.name);
	const heading = page.getByRole('heading', { level: 1 });
	await expect(heading).toHaveText('Your school: next steps');
	await expect(page.getByTestId('waiting-confirmation').getByRole('link').first()).toBeVisible();

	// The learning walk's way back names the visit, not "The school".
	const visit = shared[0]!;
	await page.goto(`/visits/${encodeURIComponent(visit._id)}/walk`);
	const back = page.locator('a.back');
	await expect(back).toHaveText(/^Visit on \w{3} \d{1,2} \w+ \d{4}$/);
	const main = await page.locator('main').innerText();
	expect(main).not.toContain(head.school);
	expect(main).not.toContain('The school');

	release();
	await expect(back).toHaveText(
		new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, visit on `)
	);
	await page.goto('/');
	await expect(heading).toHaveText(`${name}: next steps`);
	await context.close();
});

test('a school’s cards say Loading, not zeros, until that school’s first sync has finished', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, head } = await headWithShared(request);
	const { page, context } = await newDevice(browser, PHONE);
	let release = () => {};
	const held = new Promise<void>((r) => (release = r));
	await page.route(`**/couchdb/school-${head.school}/**`, async (route) => {
		await held;
		await route.continue();
	});
	await startSignIn(page, sil);
	const name = await schoolName(request, head.school);
	const card = page.getByTestId('school').filter({ hasText: name });
	await expect(card).toContainText('Loading…');
	await expect(card).not.toContainText(/Used:/);
	await expect(card).not.toContainText('open');
	// The other schools' first syncs finish meanwhile, and their cards give their figures.
	await expect(
		page
			.getByTestId('school')
			.filter({ hasText: /of up to \d+/ })
			.first()
	).toBeVisible();

	release();
	await expect(card).toContainText(/Used: .* of up to \d+/);
	await expect(card).toContainText(/\d+ agreed and open/);
	await context.close();
});

test('a head opening another school’s screens, or another role’s, is told they are not available', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { heads } = await demoUsers(request);
	const head = heads[0]!;
	const other = heads.find((h) => h.school !== head.school)!.school;
	const otherName = await schoolName(request, other);
	const ownName = await schoolName(request, head.school);
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);

	for (const path of [
		`/schools/${other}/plan`,
		`/schools/${other}/overview`,
		`/schools/${other}/attainment`,
		`/schools/${other}`,
		`/schools/${other}/reports/governors`,
		// Planning a visit is the SIL's, even for the head's own school.
		`/schools/${head.school}/plan`,
		'/dashboard',
		'/reports/board',
		'/admin/trust'
	]) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(NOT_AVAILABLE);
		await expect(page.locator('main'), path).not.toContainText(otherName);
		expect(await page.title(), path).not.toContain(otherName);
		await expect(page.getByRole('button'), path).toHaveCount(0);
	}
	expect(await seriousA11yViolations(page)).toEqual([]);
	expect(await smallTargets(page)).toEqual([]);
	await page.getByRole('link', { name: 'Go to your home page' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(ownName);

	// A school no one has is not a refusal; an address the app has no page for says so, with a way on.
	await page.goto('/schools/nope');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('School not found');
	await expect(page.locator('main')).toContainText('This school is not on this device');
	expect(await page.title()).toBe('School not found · SI visits');
	await page.goto('/visit/abc');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.locator('main')).toContainText(
		'The address may be wrong, or the page has moved.'
	);
	await expect(page.locator('main')).not.toContainText('404');
	expect(await page.title()).toBe('Page not found · SI visits');
	await page.getByRole('link', { name: 'Go to your home page' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(ownName);

	// The head's own school is theirs to open.
	await page.goto(`/schools/${head.school}/overview`);
	await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(NOT_AVAILABLE);
	await expect(page.locator('main')).toContainText(ownName);
	await context.close();
});

test('the head’s “Show” filter and search say what they leave on show, in one polite status', async ({
	browser,
	request
}) => {
	const { page, context } = await headWithStepsSignedIn(browser, request);
	await expect(page.getByTestId('next-step').first()).toBeVisible();
	// One status in the page's content, spoken politely whenever it changes (WCAG 4.1.3).
	const status = page.getByRole('main').getByRole('status');
	await expect(status).toHaveCount(1);
	const show = page.getByLabel('Show', { exact: true });
	const steps = (n: number) => `${n} next ${n === 1 ? 'step' : 'steps'}`;
	for (const filter of ['In progress', 'You disagree', 'Done']) {
		await show.selectOption({ label: filter });
		await expect(status).toContainText(`“${filter}”`);
		const n = await page.getByTestId('next-step').count();
		await expect(status).toHaveText(
			n === 0 ? `No next steps under “${filter}”.` : `${steps(n)} under “${filter}”.`
		);
	}
	await show.selectOption({ label: 'All next steps' });
	await expect(status).toHaveText(`${steps(await page.getByTestId('next-step').count())}.`);
	await page.getByLabel('Search next steps').fill('zzzz-no-such-step');
	await expect(status).toHaveText('No next steps match your search.');
	await expect(status).toBeVisible();
	await context.close();
});

test('on the head’s phone every target is 44 px, the menu is one row, and a refusal takes the focus', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { page, context } = await headWithStepsSignedIn(browser, request);

	const menu = await menuRows(page);
	expect(menu.labels).toEqual(['My school', 'Sync', 'Settings']);
	expect(menu.rows).toBe(1);
	expect(await smallTargets(page)).toEqual([]);
	expect(await seriousA11yViolations(page)).toEqual([]);
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

	await page.getByTestId('next-step').first().getByRole('link').click();
	await expect(page.getByRole('heading', { name: 'Add a progress update' })).toBeVisible();
	expect(await smallTargets(page)).toEqual([]);
	expect(await seriousA11yViolations(page)).toEqual([]);
	expect((await menuRows(page)).rows).toBe(1);

	// "Done" without evidence is refused below the fold: the message takes the focus and is read out.
	await page.getByRole('radio', { name: /^Done/ }).check();
	await page.getByLabel('What has happened').fill('In place in every class since half-term');
	const save = page.getByRole('button', { name: 'Save update' });
	await save.click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('needs a short note of the evidence');
	await expect(alert).toBeFocused();
	await expect(alert).toBeInViewport({ ratio: 1 });
	// The menu bar along the bottom does not cover it.
	const bar = (await page.getByRole('navigation', { name: 'Main' }).boundingBox())!;
	const box = (await alert.boundingBox())!;
	expect(box.y + box.height).toBeLessThanOrEqual(bar.y);
	await expect(page.getByLabel(/^Evidence/)).toHaveAttribute('aria-invalid', 'true');
	expect(await seriousA11yViolations(page)).toEqual([]);
	await context.close();
});

test('every other screen of the head’s has 44 px targets and passes axe at 360 px', async ({
	browser,
	request
}) => {
	test.setTimeout(300_000);
	const { heads } = await demoUsers(request);
	const head = heads[0]!;
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);
	// Targets, axe (WCAG 2.2 AA, target size included) and width.
	await page.goto(`/schools/${head.school}`);
	const visit = await page.getByTestId('visit').first().getByRole('link').getAttribute('href');
	for (const path of [
		`/schools/${head.school}`,
		`/schools/${head.school}/attainment`,
		`/schools/${head.school}/overview`,
		`/schools/${head.school}/reports/governors`,
		visit!,
		`${visit}/walk`,
		`${visit}/print`,
		'/sync',
		'/settings',
		'/choices'
	]) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 }), path).toBeVisible();
		await expect(page.getByRole('status').filter({ hasText: /^Loading/ }), path).toHaveCount(0);
		expect(await smallTargets(page), path).toEqual([]);
		expect(await seriousA11yViolations(page), path).toEqual([]);
		expect(await horizontalOverflow(page), path).toBeLessThanOrEqual(0);
	}
	await context.close();
});

test('at 200 % text on a phone the head’s screens fit: no sideways scroll, nothing cut', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { head, shared } = await headWithShared(request);
	const step = (await schoolDocs(request, head.school)).find((d) => d.type === 'next-step');
	if (!step) throw new Error('The head’s school has no next step');
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);
	// Each screen as the head finds it, with what opens on it: the next step's form marked done
	// (the evidence box shows) and the visit record's comment box.
	await screensFitBigText(page, [
		['/', /next steps$/, null],
		[
			`/next-steps/${encodeURIComponent(step._id)}`,
			/./,
			() => page.getByRole('radio', { name: /^Done/ }).check()
		],
		[
			`/visits/${encodeURIComponent(shared[0]!._id)}`,
			/^SI visit,/,
			() => page.getByLabel('Comment (optional)').fill('Agreed, thank you')
		],
		[`/schools/${head.school}`, /./, null],
		[`/schools/${head.school}/attainment`, /./, null],
		[`/schools/${head.school}/overview`, /./, null],
		['/choices', /./, null],
		['/sync', /./, null],
		['/settings', /./, null]
	]);
	await context.close();
});

test('the head sees the learning walk’s photos and is told none of its notes are private', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { sil, heads } = await demoUsers(request);
	// A visit of a head's school with no learning walk yet, on which the SIL takes one.
	let target: { head: (typeof heads)[number]; visit: Doc } | null = null;
	for (const head of heads) {
		const docs = await schoolDocs(request, head.school);
		const walked = new Set(
			docs.filter((d) => d.type === 'learning-walk').map((d) => (d as { visitId?: string }).visitId)
		);
		const visit = docs.find(
			(d) => d.type === 'visit' && (d as { visitor?: string }).visitor === sil && !walked.has(d._id)
		);
		if (visit) {
			target = { head, visit };
			break;
		}
	}
	if (!target) throw new Error('No visit of a head’s school is free for a learning walk');
	const walkPath = `/visits/${encodeURIComponent(target.visit._id)}/walk`;

	const silDevice = await newDevice(browser);
	await signIn(silDevice.page, sil);
	const s = silDevice.page;
	await s.goto(walkPath);
	await s.getByRole('button', { name: 'Start the learning walk' }).click();
	await s.getByRole('button', { name: 'Add a room' }).click();
	await s.getByLabel('Class or year group').fill('Year 5');
	await s.getByLabel('Subject').fill('History');
	await s.getByLabel('Strengths').fill('Pupils used sources to explain change over time');
	await s.getByLabel(/^Notes/).fill('Ask the history lead about the Year 6 unit');
	await s.locator('input[type=file]').setInputFiles({
		name: 'work.png',
		mimeType: 'image/png',
		buffer: samplePhoto()
	});
	await expect(s.getByRole('img', { name: /Pupils’ work, room 1, photo 1/ })).toBeVisible();
	await s.locator('input[type=file]').setInputFiles({
		name: 'display.png',
		mimeType: 'image/png',
		buffer: samplePhoto()
	});
	await expect(s.getByRole('img', { name: 'Pupils’ work, room 1, photo 2' })).toBeVisible();
	// The first photo is said in words: the caption is its text alternative, kept over a reload.
	const caption = s.getByLabel('What photo 1 shows');
	await expect(caption).toHaveAccessibleDescription(
		'Say what it shows, such as “Year 5 working wall”. Do not name pupils.'
	);
	await caption.fill('Year 5 timeline of the Victorians ');
	await expect(s.getByRole('img', { name: 'Year 5 timeline of the Victorians' })).toBeVisible();
	await expect(s.getByTestId('save-state').first()).toContainText('Saved on this device');
	await s.reload();
	await expect(s.getByLabel('What photo 1 shows')).toHaveValue(
		'Year 5 timeline of the Victorians '
	);
	await expect(s.getByRole('img', { name: 'Year 5 timeline of the Victorians' })).toBeVisible();
	await expect(s.getByRole('img', { name: 'Pupils’ work, room 1, photo 2' })).toBeVisible();
	expect(await seriousA11yViolations(s)).toEqual([]);
	await expectAllSent(s);

	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, target.head.name);
	await page.goto(walkPath);
	await expect(page.getByRole('heading', { level: 1, name: 'Learning walk' })).toBeVisible();
	await expect(page.getByText('None of them are private')).toBeVisible();
	const room = page.getByTestId('room');
	await expect(room).toContainText('Year 5, History');
	await expect(room).toContainText('Ask the history lead about the Year 6 unit');
	// The head reads what the photo shows under it, as the figure's caption and its name. Found by
	// the audit after stop 43: the image was named by the caption too, so a screen reader read the
	// visitor's words twice; it keeps its number, as a photo with no caption does.
	const figure = room.getByRole('figure', { name: 'Year 5 timeline of the Victorians' });
	await expect(figure).toBeVisible();
	const photo = figure.getByRole('img', { name: 'Pupils’ work, room 1, photo 1' });
	await expect(photo).toBeVisible();
	expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
	await expect(room.getByRole('img', { name: /Victorians/ })).toHaveCount(0);
	await expect(room.getByRole('img', { name: 'Pupils’ work, room 1, photo 2' })).toBeVisible();
	expect(await seriousA11yViolations(page)).toEqual([]);
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	await context.close();
	await silDevice.context.close();
});

test('“Needs your choice” is in the menu only for the person who has something to choose, on one row', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, heads } = await demoUsers(request);
	const head = heads[0]!;
	// A visit record of the SIL's holding two versions of its focus, as a merge leaves them.
	const base = (await schoolDocs(request, head.school)).find(
		(d) => d.type === 'visit' && (d as { visitor?: string }).visitor === sil
	)!;
	const id = base._id.replace(/[^:]+$/, crypto.randomUUID());
	const at = new Date().toISOString();
	const option = (value: string, device: string) => ({ value, by: sil, device, at });
	const record = {
		...base,
		_id: id,
		_rev: undefined,
		status: 'draft',
		shared: undefined,
		confirmation: undefined,
		addenda: [],
		daysUsed: 0,
		focus: 'Reading in year 3',
		choices: [
			{
				path: ['focus'],
				baseKnown: false,
				options: [option('Reading in year 3', 'Laptop'), option('Writing in year 5', 'Tablet')]
			}
		]
	};
	const url = `/couchdb/school-${head.school}/${encodeURIComponent(id)}`;
	const put = await request.put(url, { headers: { Authorization: adminAuth }, data: record });
	expect(put.status(), await put.text()).toBe(201);
	const { rev } = (await put.json()) as { rev: string };
	try {
		const silPhone = await newDevice(browser, PHONE);
		// Not "All changes sent": the status line leads with the choice waiting.
		await startSignIn(silPhone.page, sil);
		await expect
			.poll(async () => (await menuRows(silPhone.page)).labels, { timeout: 30_000 })
			.toEqual(['Schools', 'Sync', 'Needs your choice', 'Settings']);
		expect((await menuRows(silPhone.page)).rows).toBe(1);
		expect(await smallTargets(silPhone.page)).toEqual([]);
		await silPhone.context.close();

		// The head reads the same record but has nothing to choose in it: no such entry for them.
		const { page, context } = await newDevice(browser, PHONE);
		await signIn(page, head.name);
		await page.goto(`/visits/${encodeURIComponent(id)}`);
		await expect(page.getByRole('heading', { level: 1, name: /^SI visit,/ })).toBeVisible();
		expect((await menuRows(page)).labels).toEqual(['My school', 'Sync', 'Settings']);
		await context.close();
	} finally {
		await request.delete(`${url}?rev=${rev}`, { headers: { Authorization: adminAuth } });
	}
});

test('a progress update being written survives leaving the screen and a reload, and one added to a done step leaves it done', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { heads } = await demoUsers(request);
	// A step that is done, by its latest progress update, at a head's school.
	let found: { head: (typeof heads)[number]; id: string; action: string } | null = null;
	for (const head of heads) {
		const docs = (await schoolDocs(request, head.school)) as (Doc & {
			action?: string;
			nextStepId?: string;
			at?: string;
		})[];
		const latest = new Map<string, string>();
		for (const u of docs
			.filter((d) => d.type === 'progress-update')
			.sort((a, b) => a.at!.localeCompare(b.at!)))
			latest.set(u.nextStepId!, u.status!);
		const step = docs.find((d) => d.type === 'next-step' && latest.get(d._id) === 'done');
		if (step) {
			found = { head, id: step._id, action: step.action! };
			break;
		}
	}
	if (!found) throw new Error('No head in the demo trust has a next step that is done');
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, found.head.name);
	const stepPath = `/next-steps/${encodeURIComponent(found.id)}`;
	await page.goto(stepPath);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(found.action);

	// The update starts from the step's own status: saving a note does not reopen it.
	await expect(page.getByRole('radio', { name: 'Done (now)' })).toBeChecked();
	const note = page.getByLabel('What has happened');
	const evidence = page.getByLabel(/^Evidence/);
	await note.fill('Head: the impact shows in the spring book look');
	await evidence.fill('Book look notes, spring term');

	// Another screen and back, then a reload: what was typed is still there, and said to be kept.
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
	await expect(page).toHaveURL(/\/sync$/);
	await page.goBack();
	await expect(note).toHaveValue('Head: the impact shows in the spring book look');
	await expect(evidence).toHaveValue('Book look notes, spring term');
	await expect(page.getByTestId('progress-kept')).toBeVisible();
	await page.reload();
	await expect(note).toHaveValue('Head: the impact shows in the spring book look');
	await expect(page.getByRole('radio', { name: 'Done (now)' })).toBeChecked();

	// The step is done already: a later note does not mark it done, so evidence is not asked for.
	await expect(evidence).toHaveAccessibleName(/^Evidence \(optional\)/);
	await evidence.fill('');

	// Saved from the keyboard, the focus stays on the button: the next Tab carries on from there,
	// not from the top of the page.
	const save = page.getByRole('button', { name: 'Save update' });
	await save.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByText(/^Update saved/)).toBeVisible();
	await expect(save).toBeFocused();
	await expect(page.getByTestId('progress').first()).toContainText(
		'Head: the impact shows in the spring book look'
	);
	await expect(page.getByTestId('progress').first()).toContainText('Done');
	await expect(note).toHaveValue('');
	await expect(page.getByTestId('progress-kept')).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('progress').first()).toContainText(
		'Head: the impact shows in the spring book look'
	);
	await expect(note).toHaveValue('');
	await expect(page.getByRole('radio', { name: 'Done (now)' })).toBeChecked();

	// Disagreeing: the reason box takes the focus, a reason being written survives a reload, and
	// Cancel clears it and its error and gives the focus back to the button that opened it.
	const disagree = page.getByRole('button', { name: 'I disagree with this next step' });
	const reason = page.getByLabel('Why do you disagree?');
	await disagree.click();
	await expect(reason).toBeFocused();
	await page.getByRole('button', { name: 'Send my reason' }).click();
	await expect(page.getByRole('alert')).toHaveText('Say briefly why you disagree.');
	await reason.fill('The timescale is too short for the spring term');
	await page.reload();
	await expect(reason).toHaveValue('The timescale is too short for the spring term');
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(disagree).toBeFocused();
	await expect(reason).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(found.action);
	await expect(reason).toHaveCount(0);
	await disagree.click();
	await page.getByRole('button', { name: 'Send my reason' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(page.getByRole('alert')).toHaveCount(0);
	await context.close();
});
