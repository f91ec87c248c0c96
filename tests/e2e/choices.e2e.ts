import { expect, test, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import {
	crowdedMenu,
	demoUsers,
	expectAllSent,
	newDevice,
	planVisit,
	seriousA11yViolations,
	serverGet,
	serverPut,
	signIn
} from './helpers.ts';

const LAPTOP = 'Book looks in year 3, typed on the laptop';
const TABLET = 'Pupil voice in year 5, typed on the tablet';

async function focusOf(page: Page): Promise<string> {
	return page.getByLabel('Focus of the visit').inputValue();
}

test('the same field changed on two offline devices: both texts offered, "keep both" keeps both everywhere', async ({
	browser,
	request
}) => {
	test.setTimeout(240_000);
	const { sil, heads } = await demoUsers(request);
	const school = heads[0]!.school;
	const laptop = await newDevice(browser);
	// The tablet says what it is, as a real one does, so the two versions can be told apart.
	const tabletContext = await browser.newContext({
		baseURL: E2E.baseURL,
		viewport: { width: 800, height: 1280 },
		locale: 'en-GB',
		timezoneId: 'Europe/London',
		userAgent:
			'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
	});
	const tablet = { context: tabletContext, page: await tabletContext.newPage() };
	await signIn(laptop.page, sil);
	await signIn(tablet.page, sil);

	// A visit planned on the laptop, open on both devices.
	await laptop.page.goto(`/schools/${school}`);
	const schoolName = (await laptop.page.getByRole('heading', { level: 1 }).textContent())?.trim();
	await laptop.page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(laptop.page);
	await expect(laptop.page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	await laptop.page.getByLabel('Focus of the visit').fill('Reading');
	await expect(laptop.page.getByTestId('save-state').first()).toContainText('Saved on this device');
	await expectAllSent(laptop.page);
	const visitUrl = new URL(laptop.page.url()).pathname;
	await expect
		.poll(
			async () => {
				await tablet.page.goto(visitUrl);
				// The form fills from the device's records a moment after the page opens.
				const field = tablet.page.getByLabel('Focus of the visit');
				return expect(field)
					.toHaveValue('Reading', { timeout: 8_000 })
					.then(() => 'Reading')
					.catch(async () => ((await field.count()) > 0 ? focusOf(tablet.page) : ''));
			},
			// A reload restarts the tablet's first sync (six schools, with photos): leave it time to
			// finish between looks.
			{ timeout: 120_000, intervals: [5_000, 10_000] }
		)
		.toBe('Reading');

	// Both offline; the same field changed differently on each.
	await laptop.context.setOffline(true);
	await tablet.context.setOffline(true);
	await laptop.page.getByLabel('Focus of the visit').fill(LAPTOP);
	await tablet.page.getByLabel('Focus of the visit').fill(TABLET);
	for (const d of [laptop, tablet]) {
		await expect(d.page.getByTestId('save-state').first()).toContainText('Saved on this device');
	}
	await laptop.context.setOffline(false);
	await expectAllSent(laptop.page);
	await tablet.context.setOffline(false);

	// The tablet brings the laptop's version, both are kept and the person is asked.
	for (const d of [tablet, laptop]) {
		await expect(d.page.getByTestId('sync-status')).toContainText('1 record needs your choice', {
			timeout: 30_000
		});
		await expect(d.page.getByTestId('sync-status')).not.toContainText('All changes sent');
		await expect(d.page.getByTestId('choice-notice')).toContainText(
			'This record needs your choice on 1 field'
		);
		await expect(d.page.getByTestId('save-state').first()).toContainText('needs your choice');
	}
	// A record whose text is not settled is not shared with the head until a version is chosen.
	const share = laptop.page.getByRole('button', { name: 'Share with the headteacher' });
	await expect(laptop.page.getByTestId('share-waits')).toContainText(
		'Choose which version to keep'
	);
	await expect(share).toHaveCount(0);

	const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
	// The menu's longest entry, on a phone's bar along the bottom, still fits beside the others.
	for (const width of [320, 360]) {
		await tablet.page.setViewportSize({ width, height: 740 });
		await expect(nav(tablet.page).getByRole('link', { name: 'Needs your choice' })).toBeVisible();
		expect(await crowdedMenu(tablet.page), `menu at ${width} px`).toEqual([]);
	}
	await nav(laptop.page).getByRole('link', { name: 'Needs your choice' }).click();
	await expect(laptop.page.getByRole('heading', { level: 1 })).toHaveText('Needs your choice');
	const record = laptop.page.getByTestId('choice-record');
	await expect(record.getByRole('heading', { level: 2 })).toHaveText(
		new RegExp(`^SI discussion record, ${schoolName}, visit on \\w{3} \\d{1,2} \\w{3} \\d{4}$`)
	);
	const choice = record.getByTestId('choice');
	await expect(choice.locator('legend')).toHaveText('Focus of the visit');
	await expect(choice).toContainText('What they both started from: Reading');
	const options = choice.getByTestId('choice-option');
	await expect(options).toHaveCount(2);
	await expect(options.filter({ hasText: LAPTOP })).toHaveCount(1);
	await expect(options.filter({ hasText: TABLET })).toHaveCount(1);
	for (const [text, device] of [
		[LAPTOP, /on Chrom(e|ium) on Windows, signed in \d{1,2} \w{3}/],
		[TABLET, /on Chrom(e|ium) on Android, signed in \d{1,2} \w{3}/]
	] as const) {
		const option = options.filter({ hasText: text });
		await expect(option).toContainText('Changed by');
		await expect(option).toContainText('(you)');
		await expect(option).toContainText(device);
		await expect(option).toContainText(/(today|yesterday) at \d{2}:\d{2}/);
	}
	expect(await seriousA11yViolations(laptop.page)).toEqual([]);
	// No ids, no field names, no JSON.
	await expect(laptop.page.locator('main')).not.toContainText(/visit:|focus|[{}]/);

	// The tablet arrives from the record's own notice.
	await tablet.page
		.getByTestId('choice-notice')
		.getByRole('link', { name: 'Choose what to keep' })
		.click();
	await expect(tablet.page).toHaveURL(/\/choices#/);
	await expect(tablet.page.getByTestId('choice-record')).toBeFocused();

	// A merged text being written is kept on the device: a reload loses none of it, and the choice
	// made lets it go.
	await choice.getByRole('button', { name: 'Edit the merged text' }).click();
	const merged = choice.getByLabel('The text the record will say');
	await expect(merged).toHaveValue(new RegExp(LAPTOP));
	await merged.fill(`${LAPTOP}; then ${TABLET}`);
	await expect(choice.getByTestId('merged-kept')).toHaveCount(0);
	await laptop.page.reload();
	await expect(merged).toHaveValue(`${LAPTOP}; then ${TABLET}`);
	await expect(choice.getByTestId('merged-kept')).toBeVisible();

	await choice.getByRole('button', { name: 'Keep both' }).click();
	await expect(laptop.page.getByTestId('choice-done')).toContainText(
		'Both texts kept for “Focus of the visit”'
	);
	await expect(laptop.page.getByText('Nothing needs your choice on this device.')).toBeVisible();
	expect(
		await laptop.page.evaluate(() =>
			Object.keys(localStorage).filter((k) => k.startsWith('si:draft:'))
		)
	).toEqual([]);
	// The choice made on the laptop reaches the tablet's open choice screen by itself.
	await expect(tablet.page.getByText('Nothing needs your choice on this device.')).toBeVisible({
		timeout: 30_000
	});
	await expectAllSent(laptop.page);
	await expect(nav(laptop.page).getByRole('link', { name: 'Needs your choice' })).toHaveCount(0);

	// Both texts, each marked with who wrote it, in the record on both devices.
	for (const d of [laptop, tablet]) {
		await d.page.goto(visitUrl);
		await expect
			.poll(() => focusOf(d.page), { timeout: 30_000 })
			.toMatch(new RegExp(`${LAPTOP}[\\s\\S]*${TABLET}|${TABLET}[\\s\\S]*${LAPTOP}`));
		// The record is read by everyone: its markers name the SIL, never "you".
		const focus = await focusOf(d.page);
		expect(focus).not.toContain('(you)');
		expect(focus).toMatch(/\[James Whitfield, Chrom(e|ium) on Windows[^\]]*\]/);
		expect(focus).toMatch(/\[James Whitfield, Chrom(e|ium) on Android[^\]]*\]/);
		await expect(d.page.getByTestId('choice-notice')).toHaveCount(0);
		await expectAllSent(d.page);
	}
	// Chosen, it can be shared.
	await expect(laptop.page.getByTestId('share-waits')).toHaveCount(0);
	await expect(share).toBeVisible();
	await laptop.context.close();
	await tablet.context.close();
});

test('choices that reached a record after the head confirmed it: the other version kept as an addendum, or left out', async ({
	page,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, heads } = await demoUsers(request);
	const school = heads[0]!.school;
	await signIn(page, sil);
	await page.goto(`/schools/${school}`);
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page, { keepAreas: true });
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	await page.getByLabel('Focus of the visit').fill('Reading');
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
	await expectAllSent(page);
	const visitUrl = new URL(page.url()).pathname;
	const id = decodeURIComponent(visitUrl.split('/').pop()!);
	const path = `school-${school}/${encodeURIComponent(id)}`;
	await expect.poll(async () => (await serverGet(request, path)).body.focus).toBe('Reading');

	// As sync leaves it when the head's confirmation and two of the visitor's offline versions
	// cross: confirmed with the version the head read, and both versions of two fields waiting.
	const { body } = await serverGet<Record<string, unknown> & { discussion: { id: string }[] }>(
		request,
		path
	);
	const area = body.discussion[0]!;
	const at = new Date(Date.now() - 60_000).toISOString();
	const option = (value: string, device: string) => ({ value, by: sil, device, at });
	const TABLET_FOCUS = 'Reading and phonics in year 2, typed on the tablet';
	await serverPut(request, path, {
		...body,
		status: 'confirmed',
		shared: { by: sil, at },
		confirmation: { by: heads[0]!.name, at, comment: '' },
		choices: [
			{
				path: ['focus'],
				baseKnown: false,
				options: [option('Reading', 'Laptop'), option(TABLET_FOCUS, 'Tablet')]
			},
			{
				path: ['discussion', area.id, 'evidence'],
				baseKnown: false,
				options: [option('', 'Laptop'), option('A note the visitor no longer needs', 'Tablet')]
			}
		]
	});

	await expect(page.getByTestId('sync-status')).toContainText('1 record needs your choice', {
		timeout: 30_000
	});
	// The record's page says it stays as confirmed, and leads to the choice.
	await page.goto(visitUrl);
	const notice = page.getByTestId('choice-notice');
	await expect(notice).toContainText(
		'The headteacher confirmed this record before you chose between two versions of 2 fields. It stays as they confirmed it.'
	);
	await notice
		.getByRole('link', { name: 'Add the other version as an addendum, or leave it out' })
		.click();
	const record = page.getByTestId('choice-record');
	await expect(record).toBeFocused();
	await expect(record.getByTestId('choice-locked')).toContainText(
		'add the other version to it as an addendum, or leave it out'
	);
	const [focus, evidence] = [
		record.getByTestId('choice').first(),
		record.getByTestId('choice').last()
	];
	await expect(focus.getByTestId('choice-option').first()).toContainText(
		'Version A: in the confirmed record'
	);
	// The record itself cannot change: no version is offered to keep in its place.
	await expect(record.getByRole('button', { name: /^Keep this one/ })).toHaveCount(0);
	expect(await seriousA11yViolations(page)).toEqual([]);

	await focus
		.getByRole('button', { name: 'Add version B as an addendum to “Focus of the visit”' })
		.click();
	await expect(page.getByTestId('choice-done')).toContainText(
		'Version B of “Focus of the visit” added to SI discussion record'
	);

	// Leaving a version out asks once more, and Cancel returns to the button that asked.
	const leave = evidence.getByRole('button', { name: /^Leave version B out/ });
	await leave.click();
	await expect(evidence.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await evidence.getByRole('button', { name: 'Cancel' }).click();
	await expect(leave).toBeFocused();
	await leave.click();
	await evidence.getByRole('button', { name: 'Yes, leave version B out' }).click();
	await expect(page.getByTestId('choice-done')).toContainText(
		'stays as the headteacher confirmed it'
	);
	await expect(page.getByText('Nothing needs your choice on this device.')).toBeVisible();

	// The trust accepts both: the record says what was confirmed, with the tablet's focus appended.
	await expectAllSent(page);
	await expect
		.poll(async () => {
			const { body: now } = await serverGet<Record<string, unknown>>(request, path);
			const addenda = now.addenda as { by: string; text: string }[];
			return {
				focus: now.focus,
				choices: now.choices ?? null,
				addenda: addenda.map((a) => [a.by, a.text.includes(TABLET_FOCUS)])
			};
		})
		.toEqual({ focus: 'Reading', choices: null, addenda: [[sil, true]] });
	await page.goto(visitUrl);
	await expect(page.getByTestId('record-state')).not.toContainText('Needs your choice');
	await expect(page.locator('main')).toContainText(TABLET_FOCUS);
});
