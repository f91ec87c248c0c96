import { expect, test, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import {
	expectAllSent,
	horizontalOverflow,
	newDevice,
	seriousA11yViolations,
	signIn
} from './helpers.ts';

// An administrator manages the trust's accounts in the app, online: adds an executive head who is
// also a SIL of another school, gives them a new password, and removes the account. Nothing of it is
// kept on the device.

async function signInWith(page: Page, name: string, password: string): Promise<void> {
	await page.goto('/sign-in');
	await page.getByLabel('User name').fill(name);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

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
	await form.getByLabel('User name').fill(name);
	await form.getByLabel('Full name').fill('Alex Exec');
	await form.getByRole('button', { name: 'Add the account' }).click();
	await expect(form.getByRole('alert')).toHaveText('Choose at least one role.');
	await form.getByLabel('Headteacher', { exact: true }).check();
	await form.getByLabel('School improvement lead', { exact: true }).check();
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
	const first = (await form.getByTestId('new-password').textContent())!;
	await expect(card(`User name: ${name}`)).toContainText(
		'Headteacher of Oakfield Primary School; School improvement lead for Hawthorn Primary School'
	);

	// They sign in with it, and are the head of Oakfield only.
	const exec = await newDevice(browser);
	await signInWith(exec.page, name, first);
	await expect(exec.page).toHaveURL(/\/$/);
	await expectAllSent(exec.page);
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
	await admin.context.setOffline(false);
	await card(`User name: ${name}`).getByRole('button', { name: 'Cancel' }).click();

	// Removed: they can no longer sign in.
	await card(`User name: ${name}`)
		.getByRole('button', { name: 'Remove Alex Exec’s account' })
		.click();
	await card(`User name: ${name}`).getByRole('button', { name: 'Remove the account' }).click();
	await expect(page.getByText('Alex Exec’s account was removed.')).toBeVisible();
	await expect(card(`User name: ${name}`)).toHaveCount(0);
	expect((await session(second)).status()).toBe(401);
	await admin.context.close();
});
