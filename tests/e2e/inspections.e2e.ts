import { expect, test } from '@playwright/test';
import { E2E } from './env.ts';
import {
	demoUsers,
	expectAllSent,
	horizontalOverflow,
	newDevice,
	seriousA11yViolations,
	serverGet,
	signIn
} from './helpers.ts';

/** yyyy-mm-dd some days before today: an inspection is recorded once it has happened. */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

test('an administrator records an inspection; the CEO sees it beside the category, with a note that it no longer fits', async ({
	browser,
	request
}) => {
	const on = daysAgo(3);
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/admin/schools/hawthorn');
	await admin.page.getByRole('link', { name: 'Ofsted inspections and external reviews' }).click();
	await expect(
		admin.page.getByRole('heading', { name: 'Inspections and reviews', exact: true })
	).toBeVisible();
	// The demo's last inspection of Hawthorn (good, 2022) fits its category 2b: no note yet.
	await expect(admin.page.getByTestId('inspection-summary')).toContainText('Good overall');
	await expect(admin.page.getByTestId('category-note')).toHaveCount(0);
	await admin.page.setViewportSize({ width: 360, height: 740 });
	expect(await seriousA11yViolations(admin.page)).toEqual([]);
	expect(await horizontalOverflow(admin.page)).toBeLessThanOrEqual(0);
	await admin.page.setViewportSize({ width: 1280, height: 800 });

	await admin.page.getByLabel('Kind').selectOption({ label: 'Ofsted inspection' });
	await admin.page.getByLabel('Date').fill(on);
	await admin.page
		.getByLabel('Framework')
		.selectOption({ label: 'Report card (from November 2025)' });
	await admin.page.getByLabel('Inclusion').selectOption({ label: 'Needs attention' });
	await admin.page.getByLabel('Achievement').selectOption({ label: 'Urgent improvement' });
	await admin.page.getByLabel('Safeguarding').selectOption({ label: 'Met' });
	await admin.page.getByLabel(/^Headline/).fill('Too few pupils leave year 6 able to write well.');
	await admin.page.getByRole('button', { name: 'Record it' }).click();
	await expect(admin.page.getByText('was recorded')).toBeVisible();
	await expectAllSent(admin.page);
	// It reaches the trust's server like every other record.
	await expect
		.poll(
			async () => {
				const all = await serverGet<{ rows: { doc?: { type?: string; on?: string } }[] }>(
					request,
					'school-hawthorn/_all_docs?include_docs=true'
				);
				return all.body.rows.filter((r) => r.doc?.type === 'external-review' && r.doc.on === on)
					.length;
			},
			{ timeout: 30_000 }
		)
		.toBe(1);
	// Removing asks again, with the focus on the safe answer; kept, it goes back to the button.
	const removeIt = admin.page.getByRole('button', { name: 'Remove (recorded in error)' }).first();
	await removeIt.click();
	const keepIt = admin.page.getByRole('button', { name: 'Keep it' });
	await expect(keepIt).toBeFocused();
	await keepIt.click();
	await expect(removeIt).toBeFocused();
	await admin.context.close();

	const ceo = await newDevice(browser);
	await signIn(ceo.page, (await demoUsers(request)).ceo);
	await ceo.page.goto('/dashboard');
	const card = ceo.page
		.getByTestId('school-inspection')
		.filter({ hasText: 'Hawthorn Primary School' });
	await expect(card).toContainText('Category 2b: Good with weaknesses');
	await expect(card.getByTestId('category-note')).toContainText(
		'Category 2b may no longer fit: the Ofsted inspection on'
	);
	await expect(card.getByTestId('category-note')).toContainText('weaker than its category implies');
	// The school whose category may no longer fit comes first.
	await expect(ceo.page.getByTestId('school-inspection').first()).toContainText('Hawthorn');

	await ceo.page.goto('/schools/hawthorn');
	const beside = ceo.page.getByTestId('inspection-summary');
	await expect(beside).toContainText('Last Ofsted inspection:');
	await expect(beside).toContainText('urgent improvement in 1 area, needs attention in 1 area');
	await expect(beside.getByTestId('category-note')).toContainText('fits category 4 (Inadequate)');
	// The peer review the demo holds for Hawthorn is there too.
	await expect(beside).toContainText('Latest external review: peer review');
	await ceo.context.close();
});

test('each review’s Remove says which review it removes, and the focus goes to what was done', async ({
	browser
}) => {
	const on = daysAgo(10);
	const admin = await newDevice(browser);
	const { page } = admin;
	await signIn(page, E2E.admin);
	await page.goto('/schools/kingsmead/reviews');
	await page.getByLabel('Kind').selectOption({ label: 'SEND review' });
	await page.getByLabel('Date').fill(on);
	await page.getByLabel(/^Who/).fill('Local authority SEND team');
	await page.getByLabel(/^Headline/).fill('Provision maps are used well in every class.');
	await page.getByRole('button', { name: 'Record it' }).click();
	await expect(page.getByTestId('reviews')).toContainText('Provision maps are used well');

	// Every review's button is told apart by a screen reader, by kind, date and who.
	const buttons = page.getByTestId('reviews').getByRole('button', { name: /^Remove/ });
	expect(await buttons.count()).toBeGreaterThan(1);
	const names = await buttons.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
	expect(new Set(names).size).toBe(names.length);
	const short = new Date(`${on}T12:00:00Z`).toLocaleDateString('en-GB', {
		day: 'numeric',
		month: 'short',
		year: 'numeric'
	});
	const removeIt = page.getByRole('button', {
		name: `Remove (recorded in error): SEND review, ${short}, by Local authority SEND team`,
		exact: true
	});
	await expect(removeIt).toHaveCount(1);

	await removeIt.click();
	await page.getByRole('button', { name: 'Yes, remove it' }).click();
	const said = page.getByRole('status').filter({ hasText: 'was removed' });
	await expect(said).toHaveText(`The SEND review of ${short} was removed.`);
	await expect(said).toBeFocused();
	await expect(page.getByTestId('reviews')).not.toContainText('Provision maps are used well');
	await admin.context.close();
});
