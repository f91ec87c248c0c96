import { expect, test } from '@playwright/test';
import { demoUsers, seriousA11yViolations, serverGet, signIn } from './helpers.ts';

test('a measure is charted across years from last year’s outcome, with a table view', async ({
	page,
	request
}) => {
	const { sil, heads } = await demoUsers(request);
	const school = heads[0]!.school;
	const { body } = await serverGet<{ lastYear: Record<string, { cohort: number; count: number }> }>(
		request,
		`school-${school}/attainment:2026-27`
	);
	const last = body.lastYear['phonics-y1:all']!;
	const expected = `${((last.count / last.cohort) * 100).toFixed(1)}%`;

	await signIn(page, sil);
	await page.goto(`/schools/${school}/attainment`);
	await page.getByLabel('Section').selectOption({ label: 'Phonics screening check' });
	const chart = page.locator('figure').filter({ hasText: 'across years' });
	await expect(chart).toBeVisible();
	await chart.getByText('Show the chart as a table').click();
	const all = chart
		.getByRole('row')
		.filter({ has: page.getByRole('rowheader', { name: 'All pupils' }) });
	await expect(chart.getByRole('columnheader', { name: '2025-26' })).toBeVisible();
	await expect(chart.getByRole('columnheader', { name: '2026-27' })).toBeVisible();
	// Last year's outcome as recorded; this year's end-of-year outcome is not known yet.
	await expect(all).toContainText(expected);
	await expect(all).toContainText('No data');
	expect(await seriousA11yViolations(page)).toEqual([]);
});
