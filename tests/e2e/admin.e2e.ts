import { expect, test } from '@playwright/test';
import { E2E } from './env.ts';
import { demoUsers, expectAllSent, newDevice, signIn } from './helpers.ts';

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
	await focus.fill('Reading across the curriculum: the trust’s priority this year');
	await expect(admin.page.getByTestId('save-state')).toContainText('Saved on this device');
	await expectAllSent(admin.page);

	const silDevice = await newDevice(browser);
	await signIn(silDevice.page, sil);
	await silDevice.page.goto(`/schools/${heads[0]!.school}/plan`);
	await silDevice.page.getByLabel('Date').fill('2026-11-20');
	await expect(silDevice.page.getByText('The trust’s calendar for term 2')).toBeVisible();
	await expect(
		silDevice.page.getByText('Reading across the curriculum: the trust’s priority this year')
	).toBeVisible();
	await admin.context.close();
	await silDevice.context.close();
});
