import { expect, test } from '@playwright/test';
import { demoUsers, expectAllSent, planVisit, signIn } from './helpers.ts';

test('the waiting count survives a reload while the trust cannot be reached, and names the record', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(150_000);
	const { sil, heads } = await demoUsers(request);
	const school = heads[0]!.school;
	await signIn(page, sil);

	// As in issue 12: plan a visit, go offline for ten seconds, come back.
	await page.goto(`/schools/${school}`);
	const schoolName = (await page.getByRole('heading', { level: 1 }).textContent())?.trim() ?? '';
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	await expectAllSent(page);
	await context.setOffline(true);
	await expect(page.getByTestId('sync-status')).toContainText('Offline');
	await page.waitForTimeout(10_000);
	await context.setOffline(false);
	await expectAllSent(page);
	// The booklet's one save line says where it stands with the trust.
	await expect(page.getByTestId('save-state')).toContainText('sent to the trust at');

	// The server stops answering; the focus is edited and the page reloaded.
	await context.route('**/couchdb/**', (route) => route.abort('connectionrefused'));
	await page.getByLabel('Focus of the visit').fill('Reading in year 3, checked after the reload');
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
	await expect(page.getByTestId('sync-status')).toContainText('1 change waiting');
	await expect(page.getByTestId('save-state')).toContainText(
		/Waiting to send|It is sent when the trust can be reached/
	);

	// A slow tablet: opening the databases takes longer than the first count (issue 12, item 4).
	const cdp = await context.newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
	await page.reload();
	await expect(page.getByLabel('Focus of the visit')).toHaveValue(
		'Reading in year 3, checked after the reload'
	);
	await expect(page.getByTestId('sync-status')).toContainText('1 change waiting');
	// It stays: nothing that happens while the trust is unreachable proves the edit was sent.
	await page.waitForTimeout(5_000);
	await expect(page.getByTestId('sync-status')).toContainText('1 change waiting');
	await expect(page.getByTestId('sync-status')).not.toContainText('All changes sent');

	await page.goto('/sync');
	const waiting = page.getByTestId('waiting');
	await expect(waiting).toContainText(`SI discussion record, ${schoolName}, visit on`);
	await expect(waiting.getByRole('listitem')).toHaveCount(1);
	await expect(page.locator('main')).not.toContainText('visit:');

	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
	// The server is back: "Sync now" sends it, and the record says when it reached the trust.
	await context.unroute('**/couchdb/**');
	await page.getByRole('button', { name: 'Sync now' }).click();
	await expectAllSent(page);
	await expect(page.getByText('Waiting to be sent: nothing')).toBeVisible();
});

test('an edit saved on the device is never called sent before the trust has it', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, heads } = await demoUsers(request);
	await signIn(page, sil);
	await page.goto(`/schools/${heads[0]!.school}`);
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	await expectAllSent(page);

	// The trust is slow to take what is sent: two seconds for each batch.
	let arrivedAt = Number.POSITIVE_INFINITY;
	await context.route('**/couchdb/*/_bulk_docs', async (route) => {
		await new Promise((r) => setTimeout(r, 2000));
		await route.continue();
		arrivedAt = Math.min(arrivedAt, Date.now());
	});
	// What the save state and the sync status say, every few milliseconds from the edit on.
	await page.evaluate(() => {
		const seen: { at: number; saved: boolean; status: string; line: string }[] = [];
		(window as unknown as { seen: typeof seen }).seen = seen;
		setInterval(() => {
			const line = document.querySelector('[data-testid=save-state]')?.textContent ?? '';
			const saved = line.includes('Saved on this device');
			const status = document.querySelector('[data-testid=sync-status]')?.textContent ?? '';
			seen.push({ at: Date.now(), saved, status, line });
		}, 10);
	});
	await page
		.getByLabel('Focus of the visit')
		.fill('Phonics in reception, typed while the trust is slow');
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
	await expect(page.getByTestId('sync-status')).toContainText('Sending');
	await expectAllSent(page);
	expect(arrivedAt).toBeLessThan(Date.now());

	const seen = await page.evaluate(
		() =>
			(
				window as unknown as {
					seen: { at: number; saved: boolean; status: string; line: string }[];
				}
			).seen
	);
	// Saved again after the edit: the first "Saved" after "Saving".
	const typed = seen.findIndex((s) => !s.saved);
	expect(typed).toBeGreaterThanOrEqual(0);
	const savedAt = seen.slice(typed).find((s) => s.saved)?.at ?? 0;
	expect(savedAt).toBeGreaterThan(0);
	// From the moment the edit was saved until the trust had it, "All changes sent" was never shown.
	// Nor did the save line say the booklet was sent.
	const early = seen.filter(
		(s) =>
			s.at >= savedAt &&
			s.at < arrivedAt &&
			(s.status.includes('All changes sent') || s.line.includes('sent to the trust'))
	);
	expect(early).toEqual([]);
	await expect(page.getByTestId('save-state')).toContainText('sent to the trust at');
});
