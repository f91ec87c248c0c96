import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import {
	expectAllSent,
	horizontalOverflow,
	makeAccount,
	newDevice,
	planVisit,
	removeAccount,
	seriousA11yViolations,
	serverDelete,
	serverGet,
	serverPut,
	signIn
} from './helpers.ts';

// An administrator manages the trust's accounts in the app, online: adds an executive head who is
// also a SIL of another school, gives them a new password, and removes the account. Nothing of it is
// kept on the device.

test('an administrator adds an executive head, gives a new password and removes the account', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const name = `exec.${crypto.randomUUID().slice(0, 8)}`;
	const admin = await newDevice(browser, { width: 360, height: 740 });
	const page = admin.page;
	await signIn(page, E2E.admin);
	await page.goto('/settings');
	await page.getByRole('link', { name: /People and accounts/ }).click();

	// The demo's accounts, in words.
	const card = (who: string) => page.getByTestId('account').filter({ hasText: who });
	await expect(card('User name: head.oakfield')).toContainText('Headteacher of Oakfield');

	const form = page.getByRole('form', { name: 'Add an account' });
	// Pressed empty: the box at fault says what it needs, and has the focus.
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByLabel('User name')).toBeFocused();
	await expect(form.getByLabel('User name')).toHaveAttribute('aria-invalid', 'true');
	await expect(form.getByLabel('User name')).toHaveAccessibleDescription(/^Give a user name/);
	await form.getByLabel('User name').fill('alex.exec');
	await expect(form.getByLabel('User name')).not.toHaveAttribute('aria-invalid');
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByLabel('Full name')).toBeFocused();
	await expect(form.getByLabel('Full name')).toHaveAccessibleDescription(
		'Give the person’s full name.'
	);
	await expect(form.getByLabel('User name')).not.toHaveAttribute('aria-invalid');
	await form.getByLabel('User name').fill('head.oakfield');
	await form.getByLabel('Full name').fill('Alex Exec');
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('alert')).toHaveText('Choose at least one role.');
	// A user name already taken is refused, and the account it belongs to stays as it was.
	await form.getByLabel('Chief executive', { exact: true }).check();
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('alert')).toHaveText('There is already an account head.oakfield.');
	// The button pressed keeps the focus while the server is asked (it is not `disabled`).
	await expect(form.getByRole('button', { name: 'Add the account' })).toBeFocused();
	await expect(card('User name: head.oakfield')).toContainText('Headteacher of Oakfield');
	await form.getByLabel('Chief executive', { exact: true }).uncheck();
	await form.getByLabel('User name').fill(name);
	await form.getByLabel('Headteacher', { exact: true }).check();
	await form.getByLabel('School improvement lead', { exact: true }).check();
	// Our server keeps the concerns about their own school from them; Apache CouchDB cannot: both
	// said before the account is made.
	await expect(form.getByText('never those about the school they lead')).toBeVisible();
	await expect(form.getByText('If the trust runs Apache CouchDB instead')).toBeVisible();
	await form.getByRole('group', { name: 'Headteacher of' }).getByLabel('Oakfield').check();
	const supports = form.getByRole('group', { name: 'School improvement lead for' });
	// No one reviews their own school.
	await expect(supports.getByLabel(/Oakfield/)).toBeDisabled();
	await supports.getByLabel('Hawthorn').check();
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	expect(await seriousA11yViolations(page)).toEqual([]);
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('status')).toContainText(
		`Alex Exec can now sign in as ${name}, with this password:`
	);
	// The focus is on the password, to be read out or copied, as after "Give a new password".
	await expect(form.getByRole('status')).toBeFocused();
	const first = (await form.getByTestId('new-password').textContent())!;
	// Found among the accounts by a school they support, and not by a word no account holds.
	const find = page.getByLabel('Find a person');
	await find.fill('hawthorn exec');
	await expect(page.getByTestId('account')).toHaveCount(1);
	await find.fill('nobody-at-all');
	await expect(page.getByText('No account matches “nobody-at-all”.')).toBeVisible();
	await expect(page.getByTestId('account')).toHaveCount(0);
	await find.fill('');
	await expect(card(`User name: ${name}`)).toContainText(
		'Headteacher of Oakfield Primary School; School improvement lead for Hawthorn Primary School'
	);

	// They sign in with it, and are the head of Oakfield only.
	const exec = await newDevice(browser);
	await signIn(exec.page, name, first);
	await exec.page.goto('/settings');
	await expect(exec.page.getByRole('main')).toContainText('Alex Exec');
	await expect(exec.page.getByTestId('your-roles')).toHaveText(
		'Headteacher of Oakfield Primary School; School improvement lead for Hawthorn Primary School'
	);
	await exec.context.close();

	// A new password: the old one no longer signs in, the new one does.
	await card(`User name: ${name}`)
		.getByRole('button', { name: 'Give a new password to Alex Exec' })
		.click();
	await card(`User name: ${name}`).getByRole('button', { name: 'Give a new password now' }).click();
	const told = card(`User name: ${name}`).getByTestId('new-password');
	await expect(told).toBeVisible();
	const second = (await told.textContent())!;
	expect(second).not.toBe(first);
	const session = (password: string) =>
		request.post('/couchdb/_session', { data: { name, password } });
	expect((await session(first)).status()).toBe(401);
	expect((await session(second)).status()).toBe(200);

	// Offline, the page says the server cannot be reached and changes nothing.
	await admin.context.setOffline(true);
	await card(`User name: ${name}`)
		.getByRole('button', { name: 'Change Alex Exec’s account' })
		.click();
	await card(`User name: ${name}`).getByLabel('Chief executive', { exact: true }).check();
	await card(`User name: ${name}`).getByRole('button', { name: 'Save the changes' }).click();
	await expect(card(`User name: ${name}`).getByRole('alert')).toContainText(
		'cannot be reached: check the connection'
	);
	// Opened offline, the page says so and reads the accounts once asked to, back online.
	await page.reload();
	await expect(page.getByRole('alert')).toContainText('cannot be reached: check the connection');
	await expect(page.getByTestId('account')).toHaveCount(0);
	await admin.context.setOffline(false);
	await page.getByRole('button', { name: 'Try again' }).click();
	await expect(card(`User name: ${name}`)).toContainText(
		'Headteacher of Oakfield Primary School; School improvement lead for Hawthorn Primary School'
	);

	// Removing the demo's lead, who alone supports some schools, says what that leaves; kept.
	const lead = card('User name: sil');
	await lead.getByRole('button', { name: /^Remove .*’s account \(sil\)$/ }).click();
	await expect(lead.getByTestId('only-lead')).toContainText(
		'is the only school improvement lead for'
	);
	await expect(lead.getByTestId('only-lead')).toContainText('the trust dashboard flags');
	await lead.getByRole('button', { name: 'Keep it' }).click();

	// Removed: they can no longer sign in. Hawthorn keeps the demo's lead, so nothing is said of it.
	await card(`User name: ${name}`)
		.getByRole('button', { name: 'Remove Alex Exec’s account' })
		.click();
	await expect(card(`User name: ${name}`).getByTestId('only-lead')).toHaveCount(0);
	await card(`User name: ${name}`).getByRole('button', { name: 'Remove the account' }).click();
	await expect(page.getByText('Alex Exec’s account was removed.')).toBeVisible();
	await expect(card(`User name: ${name}`)).toHaveCount(0);
	expect((await session(second)).status()).toBe(401);
	await admin.context.close();
});

test('a person changes their own password; this device carries on, their other device asks for it', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const name = `jo.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, { name, fullName: 'Jo Bloggs', roles: ['sil', 'school:hawthorn'] });
	const phone = await newDevice(browser, { width: 360, height: 740 });
	const laptop = await newDevice(browser);
	for (const d of [phone, laptop]) await signIn(d.page, name);

	const page = phone.page;
	await page.goto('/settings');
	await page.getByRole('button', { name: 'Change your password' }).click();
	const form = page.getByRole('form', { name: 'Change your password' });
	const fill = async (current: string, next: string, again: string) => {
		await form.getByLabel('Your current password').fill(current);
		await form.getByLabel(/^New password At least/).fill(next);
		await form.getByLabel('New password again').fill(again);
		await form.getByRole('button', { name: 'Change the password' }).click();
	};
	const next = 'kettle harbour violet 42';
	await fill('not-my-password', next, next);
	await expect(form.getByRole('alert')).toHaveText('Your current password is not right.');
	await fill(E2E.password, next, 'kettle harbour violet');
	await expect(form.getByRole('alert')).toHaveText('The two new passwords are not the same.');
	expect(await seriousA11yViolations(page)).toEqual([]);
	// The message goes as soon as what it was about is changed, and too short a password is said in
	// words beside the field, not left to the browser (which left the old message on screen).
	const again = form.getByLabel('New password again');
	await expect(again).toBeFocused();
	await expect(again).toHaveAccessibleDescription('The two new passwords are not the same.');
	await again.fill('kettle');
	await expect(form.getByRole('alert')).toHaveCount(0);
	await fill(E2E.password, 'kettle', 'kettle');
	await expect(form.getByRole('alert')).toHaveText('The new password needs at least 8 characters.');
	const newOne = form.getByLabel(/^New password At least/);
	await expect(newOne).toBeFocused();
	await expect(newOne).toHaveAttribute('aria-invalid', 'true');
	await expect(newOne).toHaveAccessibleDescription('The new password needs at least 8 characters.');
	await fill(E2E.password, next, next);
	await expect(
		page.getByRole('status').filter({ hasText: 'Your password was changed' })
	).toBeVisible();
	// The change ended every session of theirs: this device signed in again with the new one.
	await expectAllSent(page);
	await page.reload();
	await expectAllSent(page);
	const session = (password: string) =>
		request.post('/couchdb/_session', { data: { name, password } });
	expect((await session(E2E.password)).status()).toBe(401);
	expect((await session(next)).status()).toBe(200);

	// The other device asks for it at its next sync.
	await laptop.page.reload();
	await expect(laptop.page.getByTestId('sync-status')).toContainText('Signed out by the server', {
		timeout: 30_000
	});
	await phone.context.close();
	await laptop.context.close();
	await removeAccount(request, name);
});

test('two people of the same name are told apart, and the focus stays in place as forms open and close', async ({
	browser,
	request
}) => {
	const names = [1, 2].map((n) => `sam.${n}.${crypto.randomUUID().slice(0, 6)}`);
	for (const name of names) {
		await makeAccount(request, { name, fullName: 'Sam Same', roles: ['sil', 'school:hawthorn'] });
	}
	const admin = await newDevice(browser);
	const page = admin.page;
	await signIn(page, E2E.admin);
	await page.goto('/admin/people');
	const [first, second] = names as [string, string];

	// Each button names the account it is for, user name and all.
	for (const name of names) {
		for (const label of [
			`Change Sam Same’s account (${name})`,
			`Give a new password to Sam Same (${name})`,
			`Remove Sam Same’s account (${name})`
		])
			await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(1);
	}

	// Changing, then cancelling: the focus goes into the form, then back to Change.
	const change = page.getByRole('button', { name: `Change Sam Same’s account (${first})` });
	await change.click();
	const changing = page.getByRole('form', { name: `Change Sam Same’s account (${first})` });
	await expect(changing.getByLabel('Full name')).toBeFocused();
	await changing.getByRole('button', { name: 'Cancel' }).click();
	await expect(change).toBeFocused();

	// Removing: the question takes the focus to its safe answer; "Keep it" goes back to Remove.
	const remove = page.getByRole('button', { name: `Remove Sam Same’s account (${first})` });
	await remove.click();
	await expect(page.getByRole('button', { name: 'Keep it' })).toBeFocused();
	await page.getByRole('button', { name: 'Keep it' }).click();
	await expect(remove).toBeFocused();

	// A new password is asked about first, as the old one stops working at once: kept, the focus
	// goes back; given, it goes to the notice that holds the new password.
	const reset = page.getByRole('button', { name: `Give a new password to Sam Same (${first})` });
	await reset.focus();
	await page.keyboard.press('Enter');
	const keepPassword = page.getByRole('button', { name: 'Keep the password they have' });
	await expect(keepPassword).toBeFocused();
	await expect(page.getByTestId('new-password')).toHaveCount(0);
	await page.keyboard.press('Enter');
	await expect(reset).toBeFocused();
	await page.keyboard.press('Enter');
	await page.getByRole('button', { name: 'Give a new password now' }).focus();
	await page.keyboard.press('Enter');
	const given = page.getByRole('status').filter({ has: page.getByTestId('new-password') });
	await expect(given).toContainText('Sam Same’s new password (the old one no longer works):');
	await expect(given).toBeFocused();
	// Removed, the account's card goes: the focus goes to what was done.
	for (const name of [first, second]) {
		await page.getByRole('button', { name: `Remove Sam Same’s account (${name})` }).click();
		await page.getByRole('button', { name: 'Remove the account' }).click();
		await expect(
			page.getByRole('status').filter({ hasText: 'Sam Same’s account was removed.' })
		).toBeFocused();
		await expect(page.getByText(`User name: ${name}`)).toHaveCount(0);
	}
	await admin.context.close();
});

test('a SIL an administrator gives another school sees it at once, and no longer the one taken away', async ({
	page,
	request
}) => {
	test.setTimeout(120_000);
	const name = `kim.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, { name, fullName: 'Kim Moved', roles: ['sil', 'school:hawthorn'] });
	try {
		await page.setViewportSize({ width: 360, height: 740 });
		await signIn(page, name);
		const school = (id: string) => page.locator(`main a[href="/schools/${id}"]`);
		await expect(school('hawthorn').first()).toBeVisible();
		await expect(school('oakfield')).toHaveCount(0);

		// The administrator moves them from Hawthorn to Oakfield, on the server, as the accounts
		// page does; the device is told through the trust's list of people, without signing in again.
		const path = `_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
		const { body } = await serverGet<{ roles: string[] }>(request, path);
		await serverPut(request, path, { ...body, roles: ['sil', 'school:oakfield'] });
		// The network drops and comes back: every database is synced again, and Hawthorn, if the
		// device has not yet heard it was taken away, is refused. That is not the session ending:
		// the person stays signed in.
		await page.context().setOffline(true);
		await page.context().setOffline(false);
		await expect(school('oakfield').first()).toBeVisible({ timeout: 30_000 });
		await expect(school('hawthorn')).toHaveCount(0);
		await school('oakfield').first().click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Oakfield Primary School' })
		).toBeVisible();
		await expectAllSent(page);
		await expect(page.getByText('Signed out by the server')).toHaveCount(0);

		// Nothing of Hawthorn was waiting: its records have left the device.
		await expect.poll(() => storedDbs(page, name)).not.toContain('school-hawthorn');
		expect(await storedDbs(page, name)).toContain('school-oakfield');

		await page.goto('/');
		await page.reload();
		await expect(school('oakfield').first()).toBeVisible();
		await expect(school('hawthorn')).toHaveCount(0);
	} finally {
		await removeAccount(request, name);
	}
});

/** The local databases the device holds for `user`, as IndexedDB lists them (PouchDB's names). */
const storedDbs = (page: Page, user: string) =>
	page.evaluate(
		async (prefix) => {
			const names = (await indexedDB.databases()).map((d) => d.name ?? '');
			return names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
		},
		`_pouch_si:${encodeURIComponent(user)}:`
	);

/**
 * A SIL of Hawthorn plans a visit there, then writes its focus offline while an administrator
 * moves them to Oakfield; back online, the Sync page says the change was not sent. Returns the
 * focus typed, the visit's page, the account's path and its "Schools no longer yours" section.
 */
async function changeLeftInSchoolTakenAway(page: Page, request: APIRequestContext, name: string) {
	await page.setViewportSize({ width: 360, height: 740 });
	await signIn(page, name);
	await page.goto('/schools/hawthorn');
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	const visit = page.url();
	await expectAllSent(page);

	// Offline in the school, the SIL writes the visit's focus; meanwhile the administrator moves
	// them to Oakfield. Back online, the trust refuses the change.
	await page.context().setOffline(true);
	const focus = 'Reading in key stage 2, with the English lead';
	await page.getByLabel('Focus of the visit').fill(focus);
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
	const path = `_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
	const { body } = await serverGet<{ roles: string[] }>(request, path);
	await serverPut(request, path, { ...body, roles: ['sil', 'school:oakfield'] });
	await page.context().setOffline(false);

	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
	const section = page.getByRole('region', { name: 'Schools no longer yours' });
	await expect(section).toContainText('Hawthorn Primary School is no longer one of your schools', {
		timeout: 30_000
	});
	await expect(section).toContainText('1 change made on this device was not sent');
	return { focus, visit, path, section };
}

test('a change to a school taken away before it was sent is said, counted and kept until removed', async ({
	page,
	request
}) => {
	test.setTimeout(150_000);
	const name = `lee.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, { name, fullName: 'Lee Moved', roles: ['sil', 'school:hawthorn'] });
	try {
		const { focus, section } = await changeLeftInSchoolTakenAway(page, request, name);
		await expect(page.getByTestId('waiting')).toContainText(
			/Hawthorn Primary School.*Not sent: the school is no longer yours/
		);
		await expect(page.getByText('Signed out by the server')).toHaveCount(0);
		// The status line says it in red, not "Sending" for ever.
		await expect(page.getByTestId('sync-status')).toContainText(
			'1 change for a school no longer yours'
		);
		await expect(page.getByTestId('sync-status')).not.toContainText('Sending');
		expect(await seriousA11yViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

		// Kept across a reload, offline too, and counted when the SIL goes to sign out.
		await page.context().setOffline(true);
		await page.reload();
		await expect(section).toContainText('1 change made on this device was not sent');
		await expect(page.getByTestId('sync-status')).toContainText(
			'1 change for a school no longer yours'
		);
		await page.context().setOffline(false);
		await page.getByRole('link', { name: 'Settings' }).click();
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page.getByRole('alert')).toContainText('1 change has not reached the trust.');
		await page.getByRole('button', { name: 'Stay signed in' }).click();

		// Removed deliberately, after a second step ("Keep them" goes back to where the person was).
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Sync' })
			.click();
		const remove = section.getByRole('button', { name: 'Remove from this device…' });
		await remove.click();
		await section.getByRole('button', { name: 'Keep them' }).click();
		await expect(remove).toBeFocused();
		await remove.click();
		await expect(section.getByRole('alert')).toBeFocused();
		await section.getByRole('button', { name: 'Remove them' }).click();
		await expect(
			page.getByRole('status').filter({ hasText: 'Hawthorn Primary School’s records were removed' })
		).toBeFocused();
		await expect(section).toHaveCount(0);
		await expectAllSent(page);
		expect(await storedDbs(page, name)).not.toContain('school-hawthorn');
		await page.reload();
		await expectAllSent(page);
		await expect(section).toHaveCount(0);
		// The trust never had the change.
		const visits = await serverGet<{ rows: { doc: { focus?: string } }[] }>(
			request,
			'school-hawthorn/_all_docs?include_docs=true'
		);
		expect(visits.body.rows.map((r) => r.doc.focus)).not.toContain(focus);
	} finally {
		await removeAccount(request, name);
	}
});

test('a school given back sends what was kept for it, and leaves the Sync page', async ({
	page,
	request
}) => {
	test.setTimeout(150_000);
	const name = `lou.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, { name, fullName: 'Lou Moved', roles: ['sil', 'school:hawthorn'] });
	try {
		const { focus, visit, path, section } = await changeLeftInSchoolTakenAway(page, request, name);
		// The administrator gives Hawthorn back: the device hears of it through the list of people.
		const { body } = await serverGet<{ roles: string[] }>(request, path);
		await serverPut(request, path, {
			...body,
			roles: ['sil', 'school:oakfield', 'school:hawthorn']
		});
		await expect(section).toHaveCount(0, { timeout: 30_000 });
		await expectAllSent(page);
		const id = decodeURIComponent(new URL(visit).pathname.split('/').pop()!);
		const sent = await serverGet<{ focus?: string }>(
			request,
			`school-hawthorn/${encodeURIComponent(id)}`
		);
		expect(sent.body.focus).toBe(focus);
		await page.reload();
		await expectAllSent(page);
		await expect(section).toHaveCount(0);
	} finally {
		await removeAccount(request, name);
	}
});

test('a head an administrator moves to another school sees it without signing in again', async ({
	page,
	request
}) => {
	test.setTimeout(120_000);
	const name = `head.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, { name, fullName: 'Pat Moved', roles: ['head', 'school:hawthorn'] });
	try {
		await page.setViewportSize({ width: 360, height: 740 });
		await signIn(page, name);
		const heading = page.getByRole('heading', { level: 1 });
		await expect(heading).toHaveText('Hawthorn Primary School: next steps');
		await expectAllSent(page);

		// Moved on the server, as the accounts page does; the device hears of it through the
		// trust's list of people, which now says which school a head leads. No reload, no network
		// drop.
		const path = `_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
		const { body } = await serverGet<{ roles: string[] }>(request, path);
		await serverPut(request, path, { ...body, roles: ['head', 'school:oakfield'] });
		await expect(heading).toHaveText('Oakfield Primary School: next steps', {
			timeout: 30_000
		});
		await expect(page.getByText('Signed out by the server')).toHaveCount(0);
		await expectAllSent(page);
		// Hawthorn's records have left the device.
		await expect.poll(() => storedDbs(page, name)).not.toContain('school-hawthorn');
	} finally {
		await removeAccount(request, name);
	}
});

test('a SIL made CEO works with every school at once, one added later too, and as a SIL again keeps only their own', async ({
	page,
	request
}) => {
	test.setTimeout(150_000);
	const name = `sam.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, { name, fullName: 'Sam Promoted', roles: ['sil', 'school:hawthorn'] });
	const added = `rowan-${crypto.randomUUID().slice(0, 8)}`;
	try {
		await page.setViewportSize({ width: 360, height: 740 });
		await signIn(page, name);
		await expectAllSent(page);
		expect(await storedDbs(page, name)).not.toContain('school-oakfield');
		const nav = page.getByRole('navigation', { name: 'Main' });
		const dashboard = nav.getByRole('link', { name: 'Dashboard', exact: true });
		await expect(dashboard).toHaveCount(0);

		// Made CEO on the server, as the accounts page does; the trust's list of people no longer
		// says they support a school, and the device reads their roles again. No reload, from here
		// to the end.
		const path = `_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
		const { body } = await serverGet<{ roles: string[] }>(request, path);
		await serverPut(request, path, { ...body, roles: ['ceo'] });
		await expect(dashboard).toBeVisible({ timeout: 30_000 });
		// Every school's records come to the device, not only from the next start.
		await expect
			.poll(() => storedIds(page, name, 'school-oakfield'), { timeout: 30_000 })
			.toContainEqual(expect.stringMatching(/^visit:/));
		await expectAllSent(page);

		// The administrator adds a school to the trust: the device syncs it too, so its row on the
		// dashboard does not say it is loading for ever.
		await serverPut(request, `school-${added}`, {});
		await serverPut(request, `trust/school:${added}`, {
			_id: `school:${added}`,
			schemaVersion: 1,
			type: 'school',
			id: added,
			name: 'Rowan Fields Primary School',
			phase: 'primary',
			category: '2b',
			strand: 'preventative'
		});
		await dashboard.click();
		const row = page
			.getByTestId('dashboard-row')
			.filter({ hasText: 'Rowan Fields Primary School' });
		await expect(row).toBeVisible({ timeout: 30_000 });
		await expect(row).not.toContainText('Loading this school', { timeout: 30_000 });
		expect(await storedDbs(page, name)).toContain(`school-${added}`);
		await expectAllSent(page);

		// A SIL of Hawthorn again: the other schools' records leave the device.
		await serverPut(request, path, {
			...(await serverGet<{ roles: string[] }>(request, path)).body,
			roles: ['sil', 'school:hawthorn']
		});
		await expect(dashboard).toHaveCount(0, { timeout: 30_000 });
		await expect
			.poll(() => storedDbs(page, name), { timeout: 30_000 })
			.not.toContain('school-oakfield');
		expect(await storedDbs(page, name)).not.toContain(`school-${added}`);
		expect(await storedDbs(page, name)).toContain('school-hawthorn');
		await expectAllSent(page);
	} finally {
		await removeAccount(request, name);
		// The school leaves the trust again, so later tests meet the demo's schools only.
		const school = await serverGet<{ _rev?: string }>(request, `trust/school:${added}`);
		if (school.body._rev) await serverDelete(request, `trust/school:${added}`, school.body._rev);
		await serverDelete(request, `school-${added}`);
	}
});

/**
 * The ids of the documents in one of the device's local databases (PouchDB's IndexedDB store).
 * A database not there yet is not opened: that would make an empty one, which PouchDB then fails
 * to open as its own.
 */
const storedIds = (page: Page, user: string, db: string) =>
	page.evaluate(
		async (name) => {
			if (!(await indexedDB.databases()).some((d) => d.name === name)) return [];
			const idb = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open(name);
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			try {
				if (!idb.objectStoreNames.contains('document-store')) return [];
				const tx = idb.transaction('document-store', 'readonly');
				const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
					const req = tx.objectStore('document-store').getAllKeys();
					req.onsuccess = () => resolve(req.result);
					req.onerror = () => reject(req.error);
				});
				return keys.map(String);
			} finally {
				idb.close();
			}
		},
		`_pouch_si:${encodeURIComponent(user)}:${db}`
	);

test('a concern raised about a school taken away from a SIL leaves their device', async ({
	page,
	request
}) => {
	test.setTimeout(120_000);
	const name = `sam.${crypto.randomUUID().slice(0, 8)}`;
	const roles = ['sil', 'school:st-aidans', 'school:oakfield'];
	await makeAccount(request, { name, fullName: 'Sam Moved', roles });
	try {
		await signIn(page, name);
		await expectAllSent(page);
		// St Aidan's concern, raised to the chief executive, is on the device.
		const concern = 'concern:st-aidans-2026-phonics';
		await expect.poll(() => storedIds(page, name, 'concerns')).toContain(concern);

		const path = `_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
		const { body } = await serverGet<{ roles: string[] }>(request, path);
		await serverPut(request, path, { ...body, roles: ['sil', 'school:oakfield'] });
		await expect
			.poll(() => storedIds(page, name, 'concerns'), { timeout: 30_000 })
			.not.toContain(concern);
		// The copy made again from the trust syncs as before: nothing waits, nothing failed.
		await expectAllSent(page);
		expect(await storedDbs(page, name)).toEqual(
			expect.arrayContaining(['concerns', 'school-oakfield', 'trust'])
		);
		await expect(page.getByRole('alert')).toHaveCount(0);
	} finally {
		await removeAccount(request, name);
	}
});

test('an administrator adds a chair of governors for one school, with no other role', async ({
	browser,
	request
}) => {
	const name = `chair.${crypto.randomUUID().slice(0, 8)}`;
	const admin = await newDevice(browser, { width: 360, height: 740 });
	const page = admin.page;
	await signIn(page, E2E.admin);
	await page.goto('/admin/people');
	const form = page.getByRole('form', { name: 'Add an account' });
	await form.getByLabel('User name').fill(name);
	await form.getByLabel('Full name').fill('Pat Governor');
	await form.getByLabel('Chair of governors', { exact: true }).check();
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('alert')).toHaveText('Choose the school whose governors they chair.');
	await form.getByRole('group', { name: 'Chair of governors of' }).getByLabel('Oakfield').check();
	await form.getByLabel('Headteacher', { exact: true }).check();
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('alert')).toHaveText('A chair of governors has no other role.');
	await form.getByLabel('Headteacher', { exact: true }).uncheck();
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	expect(await seriousA11yViolations(page)).toEqual([]);
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('status')).toContainText(`Pat Governor can now sign in as ${name}`);
	await expect(page.getByTestId('account').filter({ hasText: `User name: ${name}` })).toContainText(
		'Chair of governors of Oakfield Primary School'
	);
	const { body } = await serverGet<{ roles: string[] }>(
		request,
		`_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`
	);
	expect(body.roles).toEqual(['governor', 'governor:oakfield']);
	await removeAccount(request, name);
	await admin.context.close();
});
