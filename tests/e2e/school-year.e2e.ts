import { expect, test } from '@playwright/test';
import { E2E } from './env.ts';
import { demoUsers, expectAllSent, newDevice, serverGet, signIn } from './helpers.ts';

test('an administrator re-categorises a school; the CEO sees the allowance change and why', async ({
	browser,
	request
}) => {
	const { ceo } = await demoUsers(request);
	const desk = await newDevice(browser);
	await signIn(desk.page, ceo);
	await desk.page.goto('/schools/hawthorn');
	await expect(desk.page.getByTestId('allowance')).toHaveText('Up to 5 SI days a year');

	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/settings');
	await admin.page.getByRole('link', { name: /re-categorise/ }).click();
	await admin.page.getByRole('link', { name: 'Hawthorn Primary School' }).click();
	await admin.page.getByLabel('Category').selectOption('3');
	await admin.page.getByLabel('Corrective (support plan)').check();
	await admin.page.getByLabel('Carter stage').selectOption('stabilise');
	await admin.page.getByLabel('Takes effect from').fill('2026-11-20');
	await admin.page
		.getByLabel(/^Reason/)
		.first()
		.fill('Safeguarding concerns at the autumn review; the board agreed targeted support.');
	await admin.page.getByRole('button', { name: 'Record the change' }).click();
	await expect(admin.page.getByRole('status').filter({ hasText: 'was recorded' })).toBeVisible();
	await expect(admin.page.getByTestId('current-situation')).toContainText('up to 7 SI days a year');
	await expectAllSent(admin.page);

	// The CEO's open page follows the sync: the new allowance and the change with its reason.
	await expect(desk.page.getByTestId('allowance')).toHaveText('Up to 7 SI days a year', {
		timeout: 30_000
	});
	const history = desk.page.getByTestId('situation-history');
	await expect(history).toContainText('From 20 Nov 2026');
	await expect(history).toContainText('category 3 (Requires improvement), corrective strand');
	await expect(history).toContainText('Safeguarding concerns at the autumn review');
	await admin.context.close();
	await desk.context.close();
});

test('an administrator adds a school and closes it; its page says it is closed', async ({
	browser,
	request
}) => {
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/admin/schools');
	await admin.page.getByLabel('School name').fill('Elm Tree Primary School');
	await admin.page.getByLabel(/^URN/).fill('149008');
	await admin.page.getByLabel('Category').selectOption('2b');
	await admin.page.getByRole('button', { name: 'Add the school' }).click();
	await expect(admin.page.getByText('Elm Tree Primary School was added')).toBeVisible();
	await expectAllSent(admin.page);
	const db = await serverGet(request, 'school-elm-tree-primary-school');
	expect(db.status).toBe(200);

	await admin.page.getByRole('link', { name: 'Elm Tree Primary School' }).click();
	await admin.page.getByLabel('Closed on').fill('2026-11-24');
	await admin.page
		.getByLabel('Reason', { exact: true })
		.fill('Merged with Hawthorn Primary School');
	await admin.page.getByRole('button', { name: 'Close the school' }).click();
	await expect(admin.page.getByText('Its records are kept, read-only.').first()).toBeVisible();
	await expectAllSent(admin.page);
	await admin.page.goto('/schools/elm-tree-primary-school');
	await expect(admin.page.getByText('Closed on 24 Nov 2026')).toBeVisible();
	const saved = await serverGet<{ closed?: { reason: string } }>(
		request,
		'trust/school:elm-tree-primary-school'
	);
	expect(saved.body.closed?.reason).toBe('Merged with Hawthorn Primary School');
	await admin.context.close();
});
