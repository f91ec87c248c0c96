import { expect, test, type Page } from '@playwright/test';
import { expectAllSent, newDevice, offlineHere, planVisit } from '../e2e/helpers.ts';
import { PASSWORD } from '../server/helpers.ts';
import { call, couchFromEnv, type Json } from './couch.ts';

/**
 * The app against Apache CouchDB alone: built with PUBLIC_COUCH_URL, it signs in, replicates and
 * is validated by CouchDB (the bundled validate_doc_update); our server only hands out its files.
 */
const couch = couchFromEnv();
const admin = { user: couch.user, password: couch.password };
const SCHOOL = 'st-aidans';
const HEAD = 'head.st-aidans';

async function signIn(page: Page, name: string): Promise<void> {
	await page.goto('/sign-in');
	await page.getByLabel('User name').fill(name);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expectAllSent(page);
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

test('a SIL’s offline visit reaches CouchDB and the head confirms it there', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const silDevice = await newDevice(browser, { width: 1024, height: 768 });
	await signIn(silDevice.page, 'sil');

	// Offline from here until the record is shared, starting cold.
	await silDevice.context.setOffline(true);
	await silDevice.page.close();
	const page = await silDevice.context.newPage();
	await page.goto(`/schools/${SCHOOL}`);
	const online = await offlineHere(page);
	await expect(page.getByTestId('sync-status')).toContainText('Offline');
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	// Without the term's discussion areas, so that the record holds only the area typed below.
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	await page.getByRole('button', { name: 'Add a person' }).click();
	await page.getByLabel('Name').first().fill('Headteacher');
	await page.getByLabel('Role').first().fill('Headteacher');
	await page.getByRole('checkbox').first().check();
	await page.getByLabel('Add a discussion area').fill('Reading');
	await page.getByRole('button', { name: 'Add area' }).click();
	await page.getByLabel('Evidence').fill('Heard year 2 readers on a CouchDB day');
	await page.getByLabel('Strengths').fill('Fluent decoding across year 2');
	await page.getByLabel('Areas for development').fill('Comprehension questioning in KS2');
	await page.getByLabel('Achievement').selectOption({ label: 'Strong standard' });
	await page.getByLabel('Met', { exact: true }).check();
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
	await page.getByRole('button', { name: 'Share with the headteacher' }).click();
	await expect(
		page.getByText('Shared with the headteacher, waiting for their confirmation.')
	).toBeVisible();
	const visitId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

	// Back online: the record reaches CouchDB, which accepted it under the trust's rules.
	await online();
	await silDevice.context.setOffline(false);
	await expectAllSent(page);
	const stored = async () =>
		(await call(couch.url, 'GET', `/school-${SCHOOL}/${encodeURIComponent(visitId)}`, admin))
			.body as Json;
	await expect.poll(async () => (await stored()).status, { timeout: 30_000 }).toBe('shared');

	// The head signs in (to CouchDB) on a phone and confirms the record.
	const headDevice = await newDevice(browser, { width: 360, height: 740 });
	await signIn(headDevice.page, HEAD);
	await headDevice.page.goto(`/visits/${encodeURIComponent(visitId)}`);
	await expect(headDevice.page.getByText('Comprehension questioning in KS2')).toBeVisible();
	await headDevice.page.getByLabel('Comment (optional)').fill('Confirmed on CouchDB');
	await headDevice.page.getByRole('button', { name: 'Confirm the record' }).click();
	await expect(headDevice.page.getByText('the record is confirmed')).toBeVisible();
	await expectAllSent(headDevice.page);
	await expect.poll(async () => (await stored()).status, { timeout: 30_000 }).toBe('confirmed');
	expect(((await stored()).confirmation as Json).by).toBe(HEAD);

	// The SIL's device learns of it from CouchDB (polling: _db_updates is for CouchDB admins).
	await expect(page.getByText('✓ Confirmed by the headteacher. The record is locked')).toBeVisible({
		timeout: 60_000
	});
	await headDevice.context.close();
	await silDevice.context.close();
});

test('on CouchDB, a SIL given another school sees it within a poll, without signing in again', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const name = `kim.${crypto.randomUUID().slice(0, 8)}`;
	const path = `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
	const made = await call(couch.url, 'PUT', path, {
		...admin,
		body: {
			_id: `org.couchdb.user:${name}`,
			name,
			type: 'user',
			fullName: 'Kim Given',
			roles: ['sil', 'school:hawthorn'],
			password: PASSWORD
		}
	});
	expect(made.status).toBe(201);
	const device = await newDevice(browser, { width: 360, height: 740 });
	try {
		const { page } = device;
		await signIn(page, name);
		const school = (id: string) => page.locator(`main a[href="/schools/${id}"]`);
		await expect(school('hawthorn').first()).toBeVisible();
		await expect(school('oakfield')).toHaveCount(0);

		// An administrator gives them Oakfield in CouchDB. No list of people tells the device (no
		// server of ours keeps one there); it reads the roles again at its next poll.
		const account = (await call(couch.url, 'GET', path, admin)).body;
		const changed = await call(couch.url, 'PUT', path, {
			...admin,
			body: { ...account, roles: ['sil', 'school:hawthorn', 'school:oakfield'] }
		});
		expect(changed.status).toBe(201);
		await expect(school('oakfield').first()).toBeVisible({ timeout: 45_000 });
		await school('oakfield').first().click();
		await expect(page.locator('main a.visit').first()).toBeVisible({ timeout: 30_000 });
		await expectAllSent(page);
	} finally {
		await device.context.close();
		const account = (await call(couch.url, 'GET', path, admin)).body;
		await call(couch.url, 'DELETE', `${path}?rev=${String(account._rev)}`, admin);
	}
});
