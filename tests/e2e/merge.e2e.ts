import {
	expect,
	test,
	type APIRequestContext,
	type Browser,
	type Locator,
	type Page
} from '@playwright/test';
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

/**
 * The SIL signed in on a laptop and a tablet, the laptop on a visit it has just planned at the
 * school of the demo's first head.
 */
async function silsLaptopAndTablet(browser: Browser, request: APIRequestContext) {
	const { sil, heads } = await demoUsers(request);
	const head = heads[0]!;
	const laptop = await newDevice(browser);
	const tablet = await newDevice(browser);
	await signIn(laptop.page, sil);
	await signIn(tablet.page, sil);
	await laptop.page.goto(`/schools/${head.school}`);
	await laptop.page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(laptop.page);
	await expect(laptop.page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	return { head, laptop, tablet };
}

test('a next step added on a device that had not seen the record shared is not agreed by the head’s confirmation', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	// The laptop plans a visit and adds a next step the head will see before confirming.
	const { head, laptop, tablet } = await silsLaptopAndTablet(browser, request);
	const addStep = async (page: typeof laptop.page, action: string) => {
		await page.getByLabel('Next step', { exact: true }).fill(action);
		await page.getByLabel(/^Owner/).fill('English lead');
		await page.getByLabel('Due date').fill('2027-02-12');
		await page.getByRole('button', { name: 'Add next step' }).click();
		await expect(page.getByTestId('visit-next-step').filter({ hasText: action })).toBeVisible();
	};
	const seen = `Model early reading in Year 1 (${Date.now()})`;
	const late = `Audit the reading books in Year 2 (${Date.now()})`;
	await addStep(laptop.page, seen);
	await expectAllSent(laptop.page);
	const url = new URL(laptop.page.url()).pathname;
	const visitId = decodeURIComponent(url.split('/').pop()!);
	await expect(async () => {
		await tablet.page.goto(url);
		await expect(tablet.page.getByTestId('visit-next-step')).toHaveCount(1, { timeout: 2_000 });
	}).toPass({ timeout: 30_000 });

	// The tablet goes offline with the record still a draft there, and a next step is added on it.
	await tablet.context.setOffline(true);
	await addStep(tablet.page, late);
	// Meanwhile the laptop shares the record, and the head confirms it on their phone.
	await laptop.page.getByRole('button', { name: 'Share with the headteacher' }).click();
	await expectAllSent(laptop.page);
	const phone = await newDevice(browser, { width: 360, height: 740 });
	await signIn(phone.page, head.name);
	await phone.page.goto(url);
	await expect(phone.page.getByTestId('visit-next-step')).toHaveCount(1);
	// The head is told that confirming agrees the step listed.
	await expect(phone.page.getByTestId('confirm-agrees-steps')).toHaveText(
		/^Confirming also agrees the next step proposed above\./
	);
	await phone.page.getByRole('button', { name: 'Confirm the record' }).click();
	await expect(phone.page.getByText('Thank you: the record is confirmed.')).toBeVisible();
	await expectAllSent(phone.page);

	// The tablet comes back: its step reaches the trust, but the head never agreed it.
	await tablet.context.setOffline(false);
	await expectAllSent(tablet.page);
	const { body: record } = await serverGet<{ confirmation?: { steps?: string[] } }>(
		request,
		`school-${head.school}/${encodeURIComponent(visitId)}`
	);
	expect(record.confirmation?.steps).toHaveLength(1);
	const step = (item: typeof phone.page, action: string) =>
		item.getByTestId('visit-next-step').filter({ hasText: action });
	await expect(async () => {
		await phone.page.reload();
		await expect(phone.page.getByTestId('visit-next-step')).toHaveCount(2, { timeout: 2_000 });
	}).toPass({ timeout: 30_000 });
	await expect(step(phone.page, seen)).toContainText('Agreed by you');
	await expect(step(phone.page, late)).toContainText('Proposed: waiting for your agreement');
	// The SIL reads the same, and the head agrees the late step on its own page.
	await laptop.page.reload();
	await expect(step(laptop.page, late)).toContainText('Proposed: waiting for the headteacher');
	await expect(step(laptop.page, seen)).toContainText('Agreed with the headteacher');
	// The printed record says the same: not every step listed is agreed.
	await laptop.page.goto(`${url}/print`);
	const printed = laptop.page.getByTestId('print-steps');
	await expect(printed.getByRole('heading', { level: 2 })).toHaveText('Next steps');
	await expect(printed.getByRole('row').filter({ hasText: late })).toContainText(
		'Proposed: waiting for the headteacher'
	);
	await expect(printed.getByRole('row').filter({ hasText: seen })).not.toContainText('Proposed');
	await step(phone.page, late).getByRole('link', { name: late }).click();
	await phone.page.getByRole('button', { name: 'I agree with this next step' }).click();
	await expect(phone.page.getByTestId('step-agreement')).toContainText('Agreed by you');
	for (const d of [laptop, tablet, phone]) await d.context.close();
});

test('a next step removed on a device that had not seen the record confirmed comes back, agreed, on every device', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	// The laptop plans a visit with a next step; the tablet opens the record once it has arrived.
	const { head, laptop, tablet } = await silsLaptopAndTablet(browser, request);
	const action = `Model early reading in Year 1 (${Date.now()})`;
	await laptop.page.getByLabel('Next step', { exact: true }).fill(action);
	await laptop.page.getByLabel(/^Owner/).fill('English lead');
	await laptop.page.getByLabel('Due date').fill('2027-02-12');
	await laptop.page.getByRole('button', { name: 'Add next step' }).click();
	const step = (page: typeof laptop.page) =>
		page.getByTestId('visit-next-step').filter({ hasText: action });
	await expect(step(laptop.page)).toBeVisible();
	await expectAllSent(laptop.page);
	const url = new URL(laptop.page.url()).pathname;
	const visitId = decodeURIComponent(url.split('/').pop()!);
	await expect(async () => {
		await tablet.page.goto(url);
		await expect(step(tablet.page)).toBeVisible({ timeout: 2_000 });
	}).toPass({ timeout: 30_000 });

	// The tablet goes offline with the record still a draft there, and the step is removed on it.
	// The notice says it may come back.
	await tablet.context.setOffline(true);
	await tablet.page.getByRole('button', { name: `Remove the next step “${action}”` }).click();
	await expect(step(tablet.page)).toHaveCount(0);
	await expect(tablet.page.getByText(`Removed the next step “${action}”.`)).toContainText(
		'if the headteacher has confirmed the record meanwhile, the step comes back when it syncs'
	);
	// Meanwhile the laptop shares the record, and the head confirms it, with the step, on a phone.
	await laptop.page.getByRole('button', { name: 'Share with the headteacher' }).click();
	await expectAllSent(laptop.page);
	const phone = await newDevice(browser, { width: 360, height: 740 });
	await signIn(phone.page, head.name);
	await phone.page.goto(url);
	await expect(step(phone.page)).toBeVisible();
	await phone.page.getByRole('button', { name: 'Confirm the record' }).click();
	await expect(phone.page.getByText('Thank you: the record is confirmed.')).toBeVisible();
	await expectAllSent(phone.page);

	// The tablet comes back and sends its removal: the step the head confirmed stays, on the trust
	// with no conflict for anyone to settle, and comes back on the tablet.
	await tablet.context.setOffline(false);
	await expectAllSent(tablet.page);
	const { body: record } = await serverGet<{ confirmation?: { steps?: string[] } }>(
		request,
		`school-${head.school}/${encodeURIComponent(visitId)}`
	);
	const stepId = record.confirmation?.steps?.[0];
	expect(record.confirmation?.steps).toHaveLength(1);
	await expect
		.poll(async () => {
			const { status, body } = await serverGet<{ action?: string; _conflicts?: string[] }>(
				request,
				`school-${head.school}/${encodeURIComponent(stepId!)}?conflicts=true`
			);
			return `${status} ${body.action} ${body._conflicts?.length ?? 0} conflicts`;
		})
		.toBe(`200 ${action} 0 conflicts`);
	await expect(step(tablet.page)).toContainText('Agreed with the headteacher', { timeout: 30_000 });
	// Every device shows it, agreed.
	await phone.page.reload();
	await expect(step(phone.page)).toContainText('Agreed by you');
	await laptop.page.reload();
	await expect(step(laptop.page)).toContainText('Agreed with the headteacher');
	await tablet.page.reload();
	await expect(step(tablet.page)).toContainText('Agreed with the headteacher');
	// And so does the printed record.
	await laptop.page.goto(`${url}/print`);
	const printed = laptop.page
		.getByTestId('print-steps')
		.getByRole('row')
		.filter({ hasText: action });
	await expect(printed).toBeVisible();
	await expect(printed).not.toContainText('Proposed');
	for (const d of [laptop, tablet, phone]) await d.context.close();
});

type Devices = Awaited<ReturnType<typeof silsLaptopAndTablet>>;
type Visit = { focus?: string; discussion?: { evidence: string }[] };

/**
 * The laptop writes `start` into a box of the visit; once the tablet shows it, both go offline and
 * each changes it (`change`), then both come back online. The trust must then hold `joined` (read
 * from the visit by `read`) in one version with nothing to choose, and both devices show it, before
 * and after a reload.
 */
async function changedOfflineThenJoined(
	request: APIRequestContext,
	{ head, laptop, tablet }: Devices,
	box: (page: Page) => Locator,
	start: string,
	change: { laptop: (box: Locator) => Promise<void>; tablet: (box: Locator) => Promise<void> },
	joined: string,
	read: (visit: Visit) => string | undefined
) {
	await box(laptop.page).fill(start);
	await expectAllSent(laptop.page);
	const url = new URL(laptop.page.url()).pathname;
	const visitId = decodeURIComponent(url.split('/').pop()!);
	await expect(async () => {
		await tablet.page.goto(url);
		await expect(box(tablet.page)).toHaveValue(start, { timeout: 2_000 });
	}).toPass({ timeout: 30_000 });

	await laptop.context.setOffline(true);
	await tablet.context.setOffline(true);
	for (const [d, edit] of [
		[laptop, change.laptop],
		[tablet, change.tablet]
	] as const) {
		await edit(box(d.page));
		await box(d.page).press('Tab');
		await expect(d.page.getByTestId('save-state')).toContainText('Saved on this device');
	}
	await laptop.context.setOffline(false);
	await expectAllSent(laptop.page);
	await tablet.context.setOffline(false);
	await expectAllSent(tablet.page);

	await expect
		.poll(
			async () => {
				const { body } = await serverGet<Visit & { _conflicts?: string[]; choices?: unknown[] }>(
					request,
					`school-${head.school}/${encodeURIComponent(visitId)}?conflicts=true`
				);
				return `${read(body)} | ${body._conflicts?.length ?? 0} conflicts | ${body.choices?.length ?? 0} choices`;
			},
			{ timeout: 30_000 }
		)
		.toBe(`${joined} | 0 conflicts | 0 choices`);
	for (const d of [laptop, tablet]) {
		await expect(box(d.page)).toHaveValue(joined, { timeout: 20_000 });
		await expect(d.page.getByTestId('save-state')).not.toContainText('choice');
		await d.page.reload();
		await expect(box(d.page)).toHaveValue(joined);
	}
	await laptop.context.close();
	await tablet.context.close();
}

test('a sentence added to the same text on a laptop and on a tablet, both offline, is joined on both, with no question', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const devices = await silsLaptopAndTablet(browser, request);
	// Each adds a sentence at the end, offline, and moves on: joined in the order written.
	const addSentence = (sentence: string) => async (box: Locator) => {
		await box.press('End');
		await box.pressSequentially(sentence);
	};
	await changedOfflineThenJoined(
		request,
		devices,
		(page) => page.getByLabel('Focus of the visit'),
		'Reading across the curriculum.',
		{
			laptop: addSentence(' Phonics in Year 1 observed.'),
			tablet: addSentence(' Writing in Year 6 sampled.')
		},
		'Reading across the curriculum. Phonics in Year 1 observed. Writing in Year 6 sampled.',
		(visit) => visit.focus
	);
});

test('a paragraph changed on a laptop and another on a tablet, both offline, are both kept, with no question', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const devices = await silsLaptopAndTablet(browser, request);
	await devices.laptop.page.getByLabel('Add a discussion area').fill('Reading');
	await devices.laptop.page.getByRole('button', { name: 'Add area' }).click();
	// Offline, the laptop changes the first paragraph and the tablet the second.
	await changedOfflineThenJoined(
		request,
		devices,
		(page) => page.getByLabel('Evidence').first(),
		'Book looks in Year 4.\n\nReading records checked.',
		{
			laptop: (box) => box.fill('Book looks in Years 4 and 5.\n\nReading records checked.'),
			tablet: (box) =>
				box.fill('Book looks in Year 4.\n\nReading records checked: signed weekly by parents.')
		},
		'Book looks in Years 4 and 5.\n\nReading records checked: signed weekly by parents.',
		(visit) => visit.discussion?.[0]?.evidence
	);
});
