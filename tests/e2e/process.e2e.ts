import { expect, test, type APIRequestContext } from '@playwright/test';
import { demoUsers, expectAllSent, newDevice, serverGet, signIn } from './helpers.ts';

// Issue 15's contradictions, end to end on the built app and the real server: a head's
// disagreement reaches the SIL, the CEO's vulnerable mark survives a new term's commentary and
// reads the same in the LGB report and the board pack, and planning past the SI days allowance
// asks why.

type Doc = { _id: string; type: string; [k: string]: unknown };

async function schoolDocs(request: APIRequestContext, id: string): Promise<Doc[]> {
	const { body } = await serverGet<{ rows: { doc: Doc }[] }>(
		request,
		`school-${id}/_all_docs?include_docs=true`
	);
	return body.rows.map((r) => r.doc);
}

test('the head disagrees with a next step and the SIL sees the reason', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, heads } = await demoUsers(request);
	const head = heads.find((h) => h.school === 'oakfield')!;
	const step = (await schoolDocs(request, 'oakfield')).find((d) => d.type === 'next-step')!;
	const reason = `We agreed the deputy leads this, not me (${Date.now()}).`;

	const h = await newDevice(browser, { width: 360, height: 740 });
	await signIn(h.page, head.name);
	await h.page.getByRole('link', { name: step.action as string }).click();
	await h.page.getByRole('button', { name: 'I disagree with this next step' }).click();
	// A disagreement needs its reason.
	await h.page.getByRole('button', { name: 'Send my reason' }).click();
	await expect(h.page.getByRole('alert')).toHaveText('Say briefly why you disagree.');
	await h.page.getByLabel(/Why do you disagree/).fill(reason);
	await h.page.getByRole('button', { name: 'Send my reason' }).click();
	// Spoken to the head on their own screen; the SIL reads "The headteacher disagrees".
	await expect(h.page.getByTestId('step-agreement')).toContainText('You disagree');
	await expectAllSent(h.page);
	await expect
		.poll(async () => (await schoolDocs(request, 'oakfield')).find((d) => d._id === step._id))
		.toMatchObject({ headReply: { agrees: false, reason, by: head.name } });
	await h.context.close();

	const s = await newDevice(browser);
	await signIn(s.page, sil);
	// On the SIL's home, on the school's card, with a link to the step.
	const card = s.page.getByTestId('school').filter({ hasText: 'Oakfield' });
	await expect(card.getByTestId('head-disagrees')).toContainText(reason);
	await card
		.getByTestId('head-disagrees')
		.getByRole('link', { name: step.action as string })
		.click();
	await expect(s.page.getByTestId('step-disagreement')).toContainText(reason);
	// The step no longer counts as agreed: the SIL's list says so.
	await s.context.close();
});

test('the CEO’s vulnerable mark survives a new term’s commentary and reads the same in the LGB report and the board pack', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const { ceo } = await demoUsers(request);
	const school = { id: 'hawthorn', name: 'Hawthorn' };
	const reason = `Reading outcomes fell sharply (${Date.now()}).`;
	const plan = 'Fortnightly SIL visits on early reading until Easter; a review at half-term.';

	const { page, context } = await newDevice(browser);
	await signIn(page, ceo);
	await page.goto(`/schools/${school.id}/overview`);
	await expect(page.getByTestId('vulnerable-route')).toContainText('On the annual cycle');
	await page.getByRole('button', { name: 'Mark the school vulnerable' }).click();
	await page.getByLabel('Why the school is thought vulnerable').fill(reason);
	await page.getByLabel('What was discussed at the meeting').fill('Met the headteacher.');
	await page.getByLabel('Support agreed').fill(plan);
	await page.getByRole('button', { name: 'Mark the school vulnerable' }).click();
	await expect(page.getByTestId('support-plan')).toHaveText(plan);

	// A new term: the CEO writes its commentary, which once saved the mark as "no".
	const term = page.getByLabel('Term', { exact: true });
	const next = String(Number(await term.inputValue()) + 1);
	await term.selectOption(next);
	await page.getByLabel('Your commentary').fill('Reviewed with the headteacher: reading first.');
	await expect(page.getByTestId('save-state')).toHaveText(/^[✓↻] Saved on this device/);
	await expect(page.getByTestId('vulnerable-route')).toContainText(reason);
	await expectAllSent(page);
	await expect
		.poll(
			async () =>
				(await schoolDocs(request, school.id)).find(
					(d) => d.type === 'school-overview' && d.term === Number(next)
				)?.commentary,
			{ timeout: 30_000 }
		)
		.toBe('Reviewed with the headteacher: reading first.');

	await page.goto(`/schools/${school.id}/reports/lgb/${next}`);
	await expect(page.getByRole('heading', { level: 1, name: /Termly summary/ })).toBeVisible();
	const lgb = page.locator('main');
	await expect(lgb).toContainText(`Yes, since`);
	await expect(lgb).toContainText(reason);
	await expect(lgb).toContainText(plan);
	await expect(lgb).not.toContainText(/Vulnerable\s*No/);

	await page.goto('/reports/board');
	await expect(page.getByRole('heading', { level: 1, name: /Board pack/ })).toBeVisible();
	const board = page.locator('main');
	await expect(board).toContainText(reason);
	await expect(board).toContainText(plan);
	await expect(board).toContainText(/Hawthorn[^,]*\(2b\), vulnerable/);
	await context.close();
});

test('planning a visit past the SI days allowance warns and asks why', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil } = await demoUsers(request);
	const { page, context } = await newDevice(browser);
	await signIn(page, sil);
	// Willow Bank: category 1, up to 3 days. Other tests of the shared demo may have planned there
	// too, so what counts is the time planned on the server now.
	const planned = (await schoolDocs(request, 'willow-bank'))
		.filter((d) => d.type === 'visit' && d.year === '2026-27')
		.reduce((sum, d) => sum + Number(d.daysUsed), 0);
	await page.goto('/schools/willow-bank/plan');
	await expect(page.getByRole('heading', { level: 1, name: 'Plan a visit' })).toBeVisible();
	// Within the allowance there is nothing to explain; past it, the screen asks why.
	await page.getByLabel(/^SI time/).selectOption('0.25');
	const withIt = planned + 0.25;
	await expect(
		page.getByText(`Planned: ${withIt} ${withIt === 1 ? 'day' : 'days'} of up to 3`)
	).toBeVisible();
	await expect(page.getByTestId('beyond-allowance')).toHaveCount(withIt <= 3 ? 0 : 1);
	await page.getByLabel(/^SI time/).selectOption('2');
	const warning = page.getByTestId('beyond-allowance');
	await expect(warning).toContainText('goes past the school’s SI days allowance');
	await page.getByRole('button', { name: 'Plan the visit' }).click();
	await expect(page.getByRole('alert')).toContainText('choose why it is needed');
	await expect(page).toHaveURL(/\/plan$/);
	await warning.getByLabel('The school asked for extra support').check();
	await page.getByLabel(/^Note/).fill('The head asked for help with the new maths scheme.');
	await page.getByRole('button', { name: 'Plan the visit' }).click();
	await expect(page).toHaveURL(/\/visits\//);
	await expectAllSent(page);
	const id = decodeURIComponent(page.url().split('/visits/')[1]!.split(/[/?#]/)[0]!);
	await expect
		.poll(async () => (await schoolDocs(request, 'willow-bank')).find((d) => d._id === id))
		.toMatchObject({
			daysUsed: 2,
			status: 'planned',
			beyondAllowance: {
				reason: 'school-request',
				note: 'The head asked for help with the new maths scheme.',
				by: sil
			}
		});
	await context.close();
});

/** Each "Planned: …" that does not go on to say how many days are still to come. */
const plannedAgain = (text: string) =>
	text.match(
		/Planned: [\d.]+ days? of up to \d+(?!\d|(?: \([^)]*\))?; [\d.]+ days? still to come)/g
	) ?? [];

test('SI days are said once when nothing more is planned, on the home, the overview and the reports', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo } = await demoUsers(request);
	const { page, context } = await newDevice(browser);
	await signIn(page, ceo);
	const cards = page.getByTestId('school');
	await expect(cards.filter({ hasText: /Used: .* of up to \d/ }).first()).toBeVisible();
	// A school with no more visits planned this year has one line: its used days.
	await expect(
		cards
			.filter({ hasText: /Used: .* of up to \d/ })
			.filter({ hasNotText: 'Planned:' })
			.first()
	).toBeVisible();
	const home = await cards.allInnerTexts();
	expect(home.flatMap(plannedAgain)).toEqual([]);

	for (const path of ['/schools/st-aidans/overview', '/reports/board']) {
		await page.goto(path);
		await expect(page.locator('main')).toContainText(/Used: .* of up to \d/);
		expect(plannedAgain(await page.locator('main').innerText()), path).toEqual([]);
	}
	await context.close();
});
