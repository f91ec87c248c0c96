import { expect, test } from '@playwright/test';
import { demoUsers, expectAllSent, newDevice, planVisit, serverGet, signIn } from './helpers.ts';

test('two offline devices changing different fields of a booklet both keep their change, with no question', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { sil, heads } = await demoUsers(request);
	const school = heads[0]!.school;
	const a = await newDevice(browser);
	const b = await newDevice(browser);
	await signIn(a.page, sil);
	await signIn(b.page, sil);

	// The laptop plans a visit online; the tablet opens the same booklet once it has arrived.
	await a.page.goto(`/schools/${school}`);
	await a.page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(a.page);
	await expect(a.page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	await expectAllSent(a.page);
	const url = new URL(a.page.url()).pathname;
	const visitId = decodeURIComponent(url.split('/').pop()!);
	await expect(async () => {
		await b.page.goto(url);
		await expect(b.page.getByLabel('Focus of the visit')).toBeVisible({ timeout: 2_000 });
	}).toPass({ timeout: 30_000 });

	await a.context.setOffline(true);
	await b.context.setOffline(true);
	await a.page.getByLabel('Focus of the visit').fill('Reading across the curriculum');
	await b.page.getByLabel(/SI time used/).fill('0.5');
	for (const d of [a, b]) {
		await expect(d.page.getByTestId('save-state')).toContainText('Saved on this device');
	}

	await a.context.setOffline(false);
	await expectAllSent(a.page);
	await b.context.setOffline(false);
	await expectAllSent(b.page);

	// One version on the trust, holding both changes, and nothing for a person to choose.
	const db = `school-${school}`;
	await expect
		.poll(
			async () => {
				const res = await serverGet<{
					focus?: string;
					daysUsed?: number;
					_conflicts?: string[];
					choices?: unknown[];
				}>(request, `${db}/${encodeURIComponent(visitId)}?conflicts=true`);
				const d = res.body;
				return `${d.focus} | ${d.daysUsed} | ${d._conflicts?.length ?? 0} conflicts | ${d.choices?.length ?? 0} choices`;
			},
			{ timeout: 30_000 }
		)
		.toBe('Reading across the curriculum | 0.5 | 0 conflicts | 0 choices');

	// Both devices show both changes.
	for (const d of [a, b]) {
		await d.page.reload();
		await expect(d.page.getByLabel('Focus of the visit')).toHaveValue(
			'Reading across the curriculum',
			{ timeout: 20_000 }
		);
		await expect(d.page.getByLabel(/SI time used/)).toHaveValue('0.5');
	}
	await a.context.close();
	await b.context.close();
});
