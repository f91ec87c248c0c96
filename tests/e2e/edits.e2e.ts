import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
	demoUsers,
	planVisit,
	schoolsWithoutHead,
	seriousA11yViolations,
	serverGet,
	signIn
} from './helpers.ts';

const FOCUS = 'Reading across the curriculum, with the English lead';
const EVIDENCE_START = 'Year 4 books sampled: ';
const EVIDENCE_END = 'place value taught with concrete resources';

/**
 * The SIL signed in on `page`, on a new draft visit at a school no other test works in (these tests
 * leave draft visits and next steps behind there). Gives the visit's address.
 */
async function newDraftVisit(page: Page, request: APIRequestContext): Promise<string> {
	const users = await demoUsers(request);
	await signIn(page, users.sil);
	await page.goto(`/schools/${schoolsWithoutHead(users)[0]}`);
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	return page.url();
}

async function saved(page: Page) {
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
}

test('two tabs on one booklet: both edits are kept, and typing is never disturbed', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(150_000);
	const url = await newDraftVisit(page, request);

	// A draft booklet, open in a second tab of the same browser.
	await page.getByLabel('SI time used').fill('1.5');
	await saved(page);
	const tab2 = await context.newPage();
	await tab2.goto(url);
	await expect(tab2.getByLabel('SI time used')).toHaveValue('1.5');

	// Tab 2 adds a focus area and starts on its evidence (the cursor lands there).
	await tab2.getByLabel('Add a focus area').fill('Maths');
	await tab2.getByRole('button', { name: 'Add area' }).click();
	const evidence = tab2.getByLabel('Evidence');
	await expect(evidence).toBeFocused();
	await tab2.keyboard.type(EVIDENCE_START);

	// Meanwhile tab 1, which has not seen the area yet, changes the focus of the visit.
	await page.getByLabel('Focus of the visit').fill(FOCUS);
	await saved(page);

	// Tab 2 shows tab 1's focus without a reload, and its own text and cursor are where they were.
	await expect(tab2.getByLabel('Focus of the visit')).toHaveValue(FOCUS);
	await expect(evidence).toBeFocused();
	await tab2.keyboard.type(EVIDENCE_END);
	await expect(evidence).toHaveValue(EVIDENCE_START + EVIDENCE_END);
	await saved(tab2);
	// Tab 1 shows tab 2's area without a reload too.
	await expect(page.getByLabel('Evidence')).toHaveValue(EVIDENCE_START + EVIDENCE_END);

	for (const p of [page, tab2]) {
		await p.reload();
		await expect(p.getByLabel('Focus of the visit')).toHaveValue(FOCUS);
		await expect(p.getByRole('group', { name: 'Maths' }).getByLabel('Evidence')).toHaveValue(
			EVIDENCE_START + EVIDENCE_END
		);
		await expect(p.getByLabel('SI time used')).toHaveValue('1.5');
	}
	await expect(page.getByText('needs your choice')).toHaveCount(0);

	// Removing the area takes one tap, and "Undo" brings it back with its evidence.
	await tab2.close();
	await page.getByRole('button', { name: 'Remove “Maths”' }).click();
	await expect(page.getByRole('group', { name: 'Maths' })).toHaveCount(0);
	const undo = page.getByTestId('undo');
	await expect(undo).toContainText('Removed the area “Maths” and its notes.');
	await expect(undo.getByRole('button', { name: 'Undo' })).toBeFocused();
	await saved(page);
	expect(await seriousA11yViolations(page)).toEqual([]);
	// Still offered well after the removal was saved.
	await page.waitForTimeout(5_000);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('group', { name: 'Maths' }).getByLabel('Evidence')).toHaveValue(
		EVIDENCE_START + EVIDENCE_END
	);
	await expect(page.getByRole('group', { name: 'Maths' }).getByLabel('Evidence')).toBeFocused();
	await expect(undo).toHaveCount(0);
	await saved(page);
	await page.reload();
	await expect(page.getByRole('group', { name: 'Maths' }).getByLabel('Evidence')).toHaveValue(
		EVIDENCE_START + EVIDENCE_END
	);

	// A next step agreed by mistake is removed with one tap, and "Undo" puts it back.
	const step = 'Share the reading spine with governors';
	await page.getByLabel('Next step', { exact: true }).fill(step);
	await page.getByLabel(/^Owner/).fill('English lead');
	await page.getByLabel('Due date').fill('2027-02-12');
	await page.getByRole('button', { name: 'Add next step' }).click();
	await expect(page.getByTestId('visit-next-step')).toContainText(step);
	await page.getByRole('button', { name: `Remove the next step “${step}”` }).click();
	await expect(page.getByTestId('visit-next-step')).toHaveCount(0);
	await expect(page.getByText(`Removed the next step “${step}”.`)).toBeVisible();
	await page.getByRole('button', { name: 'Undo' }).click();
	await expect(page.getByTestId('visit-next-step')).toContainText(step);
});

test('typing cut short by a reload or a closed tab, before its save, is still there and saved', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(120_000);
	const url = await newDraftVisit(page, request);
	const unsaved = (p: Page) =>
		p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('si:unsaved:')));

	// A reload straight after the last keystroke, well inside the moment before it is saved.
	await page.getByLabel('Focus of the visit').fill('Phonics in Reception and Year 1');
	await page.reload();
	await expect(page.getByLabel('Focus of the visit')).toHaveValue(
		'Phonics in Reception and Year 1'
	);
	await saved(page);
	await expect.poll(() => unsaved(page)).toEqual([]);

	// The tab closed straight after typing: the record opened again in a new tab has it.
	await page.getByLabel('SI time used').fill('2.5');
	await page.close();
	const again = await context.newPage();
	await again.goto(url);
	await expect(again.getByLabel('SI time used')).toHaveValue('2.5');
	await saved(again);
	await expect.poll(() => unsaved(again)).toEqual([]);
	// Both are in the record itself now, not only on the device's note of what was unsaved.
	await again.reload();
	await expect(again.getByLabel('Focus of the visit')).toHaveValue(
		'Phonics in Reception and Year 1'
	);
	await expect(again.getByLabel('SI time used')).toHaveValue('2.5');

	// A next step being written, not yet added, survives a reload too, and goes once it is added.
	const step = 'Model blending in every phonics lesson';
	await again.getByLabel('Next step', { exact: true }).fill(step);
	await again.getByLabel(/^Owner/).fill('Early reading lead');
	await again.getByLabel('or by the end of term').selectOption({ label: 'Spring 1' });
	await again.reload();
	await expect(again.getByLabel('Next step', { exact: true })).toHaveValue(step);
	await expect(again.getByLabel(/^Owner/)).toHaveValue('Early reading lead');
	await again.getByRole('button', { name: 'Add next step' }).click();
	await expect(again.getByTestId('visit-next-step')).toContainText(step);
	await expect(again.getByTestId('visit-next-step')).toContainText('by the end of Spring 1 term');
	await expect(again.getByLabel('Next step', { exact: true })).toHaveValue('');
	await again.reload();
	await expect(again.getByTestId('visit-next-step')).toContainText(step);
	await expect(again.getByLabel('Next step', { exact: true })).toHaveValue('');
	await expect(again.getByLabel(/^Owner/)).toHaveValue('');
});

test('typing cut short on a record that is not opened again still reaches the trust', async ({
	page,
	context,
	request
}) => {
	const url = await newDraftVisit(page, request);
	const school = schoolsWithoutHead(await demoUsers(request))[0];
	const id = decodeURIComponent(new URL(url).pathname.split('/').pop()!);
	const focus = 'Attendance of disadvantaged pupils, with the attendance lead';
	const onServer = async () =>
		(await serverGet<{ focus?: string }>(request, `school-${school}/${encodeURIComponent(id)}`))
			.body.focus;

	// The tab closed straight after typing, before the save; the app opened again on its home.
	await page.getByLabel('Focus of the visit').fill(focus);
	await page.close();
	const again = await context.newPage();
	await again.goto('/');
	await expect(again.getByRole('heading', { level: 1 })).toBeVisible();

	// What was typed is saved and sent without the booklet being opened again.
	await expect.poll(onServer, { timeout: 30_000 }).toBe(focus);
	await expect
		.poll(() =>
			again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('si:unsaved:')))
		)
		.toEqual([]);
});
