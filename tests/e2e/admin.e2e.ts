import { expect, test } from '@playwright/test';
import { E2E } from './env.ts';
import {
	brokenWords,
	crowdedMenu,
	demoUsers,
	expectAllSent,
	horizontalOverflow,
	makeAccount,
	misfits,
	newDevice,
	offlineHere,
	seriousA11yViolations,
	serverGet,
	removeAccount,
	serverPut,
	signIn
} from './helpers.ts';

test('an administrator changes the visit calendar and a SIL’s next plan starts from it', async ({
	browser,
	request
}) => {
	const { sil, heads } = await demoUsers(request);
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/settings');
	await admin.page.getByRole('link', { name: 'Edit the visit calendar' }).click();
	const focus = admin.page.getByLabel('Focus').nth(1);
	const line = admin.page.getByTestId('save-state');
	// The demo trust's terms list no discussion areas of their own: each shows its season's in the
	// framework the trust evaluates against, the report card.
	const autumnAreas = ['Achievement', 'Attendance and behaviour'];
	await expect(admin.page.locator('#focusAreas-1')).toHaveValue(autumnAreas.join('\n'));
	// Typed offline: saved here, and the one save line says the trust does not have it yet.
	await admin.context.setOffline(true);
	const online = await offlineHere(admin.page);
	await focus.fill('Reading across the curriculum: the trust’s priority this year');
	await expect(line).toHaveText(
		'○ Saved on this device. It is sent when the trust can be reached.'
	);
	// Back online, the same line says when the trust had it: from then every device can.
	await online();
	await admin.context.setOffline(false);
	await expectAllSent(admin.page);
	await expect(line).toHaveText(/^✓ Saved on this device and sent to the trust at \d\d:\d\d$/);
	// Saving the focus leaves the areas to the season: they are not written into the calendar, so
	// they would follow the trust to another framework.
	const { body: calendar } = await serverGet<{ terms: Record<string, unknown>[] }>(
		request,
		'trust/visit-calendar'
	);
	expect(calendar.terms[1]).toMatchObject({
		focus: 'Reading across the curriculum: the trust’s priority this year'
	});
	expect(calendar.terms[1]).not.toHaveProperty('focusAreas');

	const silDevice = await newDevice(browser);
	await signIn(silDevice.page, sil);
	await silDevice.page.goto(`/schools/${heads[0]!.school}/plan`);
	await silDevice.page.getByLabel('Date').fill('2026-11-20');
	await expect(
		silDevice.page.getByText('The trust’s calendar for Autumn 2 (term 2)')
	).toBeVisible();
	await expect(
		silDevice.page.getByText('Reading across the curriculum: the trust’s priority this year')
	).toBeVisible();
	await expect(silDevice.page.getByTestId('start-areas').getByRole('listitem')).toHaveText(
		autumnAreas.map((a) => new RegExp(`^${a}`))
	);
	await admin.context.close();
	await silDevice.context.close();
});

test('an administrator lets heads enter figures; the head’s A&A overview becomes editable', async ({
	browser,
	request
}) => {
	const { heads } = await demoUsers(request);
	const head = heads[0]!;
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/settings');
	await admin.page.getByRole('link', { name: /attainment settings/ }).click();
	const allow = admin.page.getByLabel(
		'Headteachers may enter their own school’s attainment figures'
	);
	await expect(allow).not.toBeChecked();
	const line = admin.page.getByTestId('save-state');
	await admin.context.setOffline(true);
	const online = await offlineHere(admin.page);
	await allow.check();
	await expect(line).toHaveText(
		'○ Saved on this device. It is sent when the trust can be reached.'
	);
	await online();
	await admin.context.setOffline(false);
	await expectAllSent(admin.page);
	await expect(line).toHaveText(/^✓ Saved on this device and sent to the trust at \d\d:\d\d$/);

	const phone = await newDevice(browser, { width: 360, height: 740 });
	await signIn(phone.page, head.name);
	await phone.page.goto(`/schools/${head.school}/attainment`);
	await expect(phone.page.getByTestId('attainment-grid')).toBeVisible();
	await expect(
		phone.page.getByText(
			'Your trust lets headteachers enter their school’s figures: your school improvement lead can enter them too.'
		)
	).toBeVisible();

	// Put the trust back as it was for the other tests: heads read figures only.
	await allow.uncheck();
	await expect(admin.page.getByTestId('save-state')).toContainText('Saved on this device');
	await expectAllSent(admin.page);
	await expect(phone.page.getByTestId('attainment-grid')).toHaveCount(0, { timeout: 15_000 });
	await expect(
		phone.page.getByText(
			'Your school improvement lead enters your school’s figures here, from the ones you supply: your trust does not let headteachers enter them.'
		)
	).toBeVisible();
	await admin.context.close();
	await phone.context.close();
});

test('a school the trust already has is not added again, by its name in any case or its URN', async ({
	browser
}) => {
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/admin/schools');
	const schools = admin.page.getByTestId('admin-school');
	await expect(schools.filter({ hasText: 'Oakfield Primary School' })).toHaveCount(1);
	const before = await schools.count();
	const form = admin.page.getByRole('form', { name: 'Add a school' });
	const add = form.getByRole('button', { name: 'Add the school' });
	const nameBox = form.getByLabel('School name');
	const urnBox = form.getByLabel(/^URN/);
	for (const name of ['Oakfield Primary School', ' oakfield primary-school. ']) {
		await nameBox.fill(name);
		await add.click();
		// Said beside the box it is about, which is marked and has the focus.
		await expect(nameBox).toHaveAccessibleDescription(
			'Oakfield Primary School is already in the trust.'
		);
		await expect(nameBox).toHaveAttribute('aria-invalid', 'true');
		await expect(nameBox).toBeFocused();
	}
	await nameBox.fill('Oakfield Junior School');
	// Typing in the form clears what was said about the box.
	await expect(nameBox).not.toHaveAttribute('aria-invalid');
	await urnBox.fill('149002');
	await add.click();
	await expect(urnBox).toHaveAccessibleDescription(
		'URN 149002 is Oakfield Primary School’s. Check the URN: each school has its own.'
	);
	await expect(urnBox).toBeFocused();
	await expect(nameBox).not.toHaveAttribute('aria-invalid');
	await urnBox.fill('1490');
	await add.click();
	await expect(urnBox).toHaveAccessibleDescription(
		'A URN is 6 or 7 digits. Check it, or leave it empty.'
	);
	await expect(urnBox).toBeFocused();
	expect(await seriousA11yViolations(admin.page)).toEqual([]);
	await expect(form.getByRole('status')).toHaveCount(0);
	await expect(schools).toHaveCount(before);
	await expect(schools.filter({ hasText: 'Oakfield Primary School' })).toHaveCount(1);
	await admin.context.close();
});

test('trust settings that cannot be saved say why beside the field, and never “Saved”', async ({
	browser
}) => {
	const admin = await newDevice(browser);
	const { page } = admin;
	await signIn(page, E2E.admin);
	await page.goto('/admin/trust');
	const state = page.getByTestId('save-state');
	const name = page.getByLabel('Trust name');
	const threshold = page.getByLabel('Smallest group shown');
	const trustName = await name.inputValue();
	const was = await threshold.inputValue();

	await name.fill('');
	await expect(state).toHaveText('! Not saved yet: Give the trust a name.');
	await expect(name).toHaveAttribute('aria-invalid', 'true');
	await expect(name).toHaveAccessibleDescription('Give the trust a name.');
	await threshold.fill('0');
	await expect(threshold).toHaveAccessibleDescription(
		'The smallest group shown must be at least 1.'
	);
	await expect(state).toHaveText('! Not saved yet: 2 things below need putting right.');
	await expect(page.getByText('suppressionThreshold')).toHaveCount(0);

	// The draft is kept on the device, and still said to be not saved.
	await page.goto('/admin/calendar');
	await page.goto('/admin/trust');
	await expect(name).toHaveValue('');
	await expect(state).toHaveText('! Not saved yet: 2 things below need putting right.');

	await name.fill(trustName);
	await expect(state).toHaveText('! Not saved yet: The smallest group shown must be at least 1.');
	await expect(name).not.toHaveAttribute('aria-invalid');
	await threshold.fill(was);
	await expect(state).toHaveText(/^[↻✓] Saved on this device/);
	await expect(page.getByText('The smallest group shown must be')).toHaveCount(0);
	await expectAllSent(page);
	await expect(state).toHaveText(/^✓ Saved on this device and sent to the trust at \d\d:\d\d$/);
	await admin.context.close();
});

test('a term left without a focus says so beside it and is not saved', async ({ browser }) => {
	const admin = await newDevice(browser);
	const { page } = admin;
	await signIn(page, E2E.admin);
	await page.goto('/admin/calendar');
	const state = page.getByTestId('save-state');
	const focus = page.getByLabel('Focus').first();
	const was = await focus.inputValue();

	await focus.fill('');
	await expect(state).toHaveText('! Not saved yet: Give the term a focus.');
	await expect(focus).toHaveAttribute('aria-invalid', 'true');
	await expect(focus).toHaveAccessibleDescription('Give the term a focus.');
	await expect(page.getByText('terms.0.focus')).toHaveCount(0);

	await focus.fill(was);
	await expect(state).toHaveText(/^✓ Saved on this device and sent to the trust at \d\d:\d\d$/);
	await expect(focus).not.toHaveAttribute('aria-invalid');
	await admin.context.close();
});

test('a school’s name with no spaces wraps on a phone rather than widening the page', async ({
	browser
}) => {
	const phone = await newDevice(browser, { width: 360, height: 740 });
	const { page } = phone;
	await signIn(page, E2E.admin);
	await page.goto('/admin/schools');
	await expect(page.getByTestId('admin-school').first()).toBeVisible();
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	// The longest a name may be (200 characters), with no space to break at: shown as the list
	// would show it, without adding a school every other test would then see.
	const long = 'SaintBartholomewsChurchOfEnglandVoluntaryAidedPrimarySchool'
		.repeat(4)
		.slice(0, 200);
	await page
		.getByTestId('admin-school')
		.first()
		.locator('strong')
		.evaluate((el, name) => (el.textContent = name), long);
	await expect(page.getByText(long)).toBeVisible();
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	await phone.context.close();
});

test('the administrator reaches the admin screens from the menu, by keyboard and at 360 px; no one else sees it', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo, sil } = await demoUsers(request);
	const admin = await newDevice(browser, { width: 360, height: 740 });
	const { page } = admin;
	await signIn(page, E2E.admin);
	const nav = page.getByRole('navigation', { name: 'Main' });
	const entry = nav.getByRole('link', { name: 'Admin', exact: true });
	await expect(entry).toBeVisible();
	expect(await crowdedMenu(page)).toEqual([]);
	// From the keyboard alone: to the entry, then to a screen from its page.
	await entry.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administration');
	await expect(entry).toHaveAttribute('aria-current', 'page');
	expect(await seriousA11yViolations(page)).toEqual([]);
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	await page.getByRole('link', { name: 'Edit the visit calendar' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('The trust’s visit calendar');
	// Still in the administrator's part of the app.
	await expect(entry).toHaveAttribute('aria-current', 'page');
	await admin.context.close();

	// A chief executive who is also the trust's administrator has both entries, and each fits.
	const both = 'ceo-admin-menu';
	await serverPut(request, `_users/org.couchdb.user:${both}`, {
		_id: `org.couchdb.user:${both}`,
		name: both,
		type: 'user',
		fullName: 'Sam Both',
		roles: ['ceo', 'admin'],
		password: E2E.password
	});
	const phone = await newDevice(browser, { width: 360, height: 740 });
	await signIn(phone.page, both);
	const menu = phone.page.getByRole('navigation', { name: 'Main' });
	await expect(menu.getByRole('link', { name: 'Dashboard' })).toBeVisible();
	await expect(menu.getByRole('link', { name: 'Admin', exact: true })).toBeVisible();
	for (const width of [360, 320]) {
		await phone.page.setViewportSize({ width, height: 740 });
		expect(await crowdedMenu(phone.page), `menu at ${width} px`).toEqual([]);
	}
	// At 200 % text on a phone the five entries take two rows (stop 43: "Settings" was half past
	// the screen's edge), each whole, and the page's end still scrolls clear of the taller bar.
	await phone.page.setViewportSize({ width: 360, height: 740 });
	await phone.page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
	expect(await crowdedMenu(phone.page), 'menu at 200 % text').toEqual([]);
	await phone.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
	const [pageEnd, barTop] = await phone.page.evaluate(() => [
		document.querySelector('main')!.getBoundingClientRect().bottom,
		document.querySelector('nav[aria-label="Main"]')!.getBoundingClientRect().top
	]);
	expect(pageEnd).toBeLessThanOrEqual(barTop!);
	await phone.context.close();

	// Nobody else: not the CEO, not a SIL.
	for (const name of [ceo, sil]) {
		const other = await newDevice(browser);
		await signIn(other.page, name);
		const theirs = other.page.getByRole('navigation', { name: 'Main' });
		await expect(theirs.getByRole('link', { name: 'Settings' })).toBeVisible();
		await expect(theirs.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
		await other.context.close();
	}
});

test('at 200 % text on a phone the administrator’s screens fit: no sideways scroll, nothing cut', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { heads } = await demoUsers(request);
	const { page, context } = await newDevice(browser, { width: 360, height: 740 });
	await signIn(page, E2E.admin);
	for (const [path, heading] of [
		['/admin', /Administration/],
		['/admin/trust', /Trust settings/],
		['/admin/calendar', /visit calendar/],
		['/admin/people', /People and accounts/],
		['/admin/schools', /The trust’s schools/],
		[`/admin/schools/${heads[0]!.school}`, /School/],
		['/admin/years', /Academic years/]
	] as const) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
		await expect(page.getByRole('status').filter({ hasText: /^Loading/ })).toHaveCount(0);
		await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
		expect(await misfits(page), path).toEqual([]);
		// A choice's words whole: "Trust administrator", not "administrato|r".
		expect(await brokenWords(page, '.check'), path).toEqual([]);
	}
	await context.close();
});

test('an administrator gives a visitor a title: the people list and the school name them by it', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const name = `lp.${crypto.randomUUID().slice(0, 8)}`;
	const admin = await newDevice(browser, { width: 360, height: 740 });
	const { page } = admin;
	await signIn(page, E2E.admin);
	await page.goto('/admin/people');
	const form = page.getByRole('form', { name: 'Add an account' });
	await form.getByLabel('User name').fill(name);
	await form.getByLabel('Full name').fill('Priya Shah');
	// Asked only of a school improvement lead; the role and what it may do stay the same.
	await expect(form.getByLabel('Title as a visitor')).toHaveCount(0);
	await form.getByLabel('School improvement lead', { exact: true }).check();
	const title = form.getByLabel('Title as a visitor');
	await expect(title.locator('option:checked')).toHaveText('School improvement lead');
	await title.selectOption({ label: 'Lead practitioner' });
	await form
		.getByRole('group', { name: 'School improvement lead for' })
		.getByLabel('Hawthorn')
		.check();
	expect(await seriousA11yViolations(page)).toEqual([]);
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('status')).toContainText(`Priya Shah can now sign in as ${name}`);
	const card = page.getByTestId('account').filter({ hasText: `User name: ${name}` });
	await expect(card).toContainText('Lead practitioner for Hawthorn Primary School');

	// The school's page names its visitors by their titles, from the trust's list of people.
	await page.goto('/schools/hawthorn');
	await expect(page.getByTestId('school-people')).toContainText('Lead practitioner: Priya Shah');

	// Taken back to the default: a school improvement lead again, everywhere.
	await page.goto('/admin/people');
	await card.getByRole('button', { name: 'Change Priya Shah’s account' }).click();
	await expect(card.getByLabel('Title as a visitor').locator('option:checked')).toHaveText(
		'Lead practitioner'
	);
	await card.getByLabel('Title as a visitor').selectOption({ label: 'School improvement lead' });
	await card.getByRole('button', { name: 'Save the changes' }).click();
	await expect(card).toContainText('School improvement lead for Hawthorn Primary School');
	await page.goto('/schools/hawthorn');
	await expect(page.getByTestId('school-people')).toContainText(
		/School improvement leads?: .*Priya Shah/
	);
	await expect(page.getByTestId('school-people')).not.toContainText('Lead practitioner');

	// Removed again, so that Hawthorn's visitors stay as the other tests know them.
	await page.goto('/admin/people');
	await card.getByRole('button', { name: 'Remove Priya Shah’s account' }).click();
	await card.getByRole('button', { name: 'Remove the account' }).click();
	await expect(page.getByText('Priya Shah’s account was removed.')).toBeVisible();
	await admin.context.close();
});

test('a visitor given a title reads it among their roles in Settings', async ({
	browser,
	request
}) => {
	const name = `tll.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, {
		name,
		fullName: 'Tom Okafor',
		roles: ['sil', 'school:hawthorn'],
		title: 'teaching-and-learning-lead'
	});
	try {
		const { context, page } = await newDevice(browser);
		await signIn(page, name);
		await page.getByRole('link', { name: 'Settings' }).click();
		await expect(page.getByTestId('your-roles')).toHaveText(
			'Teaching and learning lead for Hawthorn Primary School'
		);
		await context.close();
	} finally {
		await removeAccount(request, name);
	}
});
