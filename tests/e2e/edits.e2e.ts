import {
	expect,
	test,
	type APIRequestContext,
	type BrowserContext,
	type Page
} from '@playwright/test';
import {
	demoUsers,
	planVisit,
	schoolsWithoutHead,
	expectAllSent,
	horizontalOverflow,
	seriousA11yViolations,
	serverGet,
	serverPut,
	signIn,
	signOutSaysThenDiscard,
	typedWhen
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

	// Tab 2 adds a discussion area and starts on its evidence (the cursor lands there).
	await tab2.getByLabel('Add a discussion area').fill('Maths');
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
	// Typed as a sentence: the notice quotes it without a second full stop.
	const step = 'Share the reading spine with governors, starting with the first.';
	await page.getByLabel('Next step', { exact: true }).fill(step);
	await page.getByLabel(/^Owner/).fill('English lead');
	await page.getByLabel('Due date').fill('2027-02-12');
	await page.getByRole('button', { name: 'Add next step' }).click();
	await expect(page.getByTestId('visit-next-step')).toContainText(step);
	await page.getByRole('button', { name: `Remove the next step “${step}”` }).click();
	await expect(page.getByTestId('visit-next-step')).toHaveCount(0);
	await expect(page.getByTestId('undo').locator('span')).toHaveText(
		`Removed the next step “${step}”`
	);
	await page.getByRole('button', { name: 'Undo' }).click();
	await expect(page.getByTestId('visit-next-step')).toContainText(step);
});

test('a box whose cursor sat still while another tab changed it shows the new text once left', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(120_000);
	const url = await newDraftVisit(page, request);
	const tab2 = await context.newPage();
	await tab2.goto(url);
	const before = await tab2.getByLabel('Focus of the visit').inputValue();

	// Tab 2's cursor rests in the focus, typing nothing, while tab 1 changes it and the time used.
	await tab2.getByLabel('Focus of the visit').click();
	await page.getByLabel('Focus of the visit').fill(FOCUS);
	await page.getByLabel('SI time used').fill('2');
	await saved(page);
	await expect(tab2.getByLabel('SI time used')).toHaveValue('2');
	// The text does not move under the cursor...
	await expect(tab2.getByLabel('Focus of the visit')).toHaveValue(before);
	await expect(tab2.getByLabel('Focus of the visit')).toBeFocused();
	// ...the box says the record's text changed, and the status line does not call it saved...
	await expect(tab2.getByTestId('changed-elsewhere')).toContainText(
		'This answer was changed in another tab or on another device.'
	);
	await expect(tab2.getByTestId('save-state')).toContainText(
		'The box you are in does not show what the record says now'
	);
	// ...and once the cursor leaves, the box shows what the record holds.
	await tab2.keyboard.press('Tab');
	await tab2.keyboard.press('Tab');
	await expect(tab2.getByLabel('Focus of the visit')).toHaveValue(FOCUS);
	await expect(tab2.getByTestId('changed-elsewhere')).toHaveCount(0);
	await saved(tab2);
	await tab2.reload();
	await expect(tab2.getByLabel('Focus of the visit')).toHaveValue(FOCUS);
	await expect(tab2.getByText('needs your choice')).toHaveCount(0);
	await expect(page.getByLabel('Focus of the visit')).toHaveValue(FOCUS);
});

test('a select or tick box with the focus, changed in another tab, shows the new value and says so beside it', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(150_000);
	const url = await newDraftVisit(page, request);
	const tab2 = await context.newPage();
	await tab2.goto(url);
	const grade = tab2.getByLabel('Achievement');
	const firstDocument = (p: Page) =>
		p.getByRole('group', { name: 'Documents seen' }).getByRole('checkbox').first();
	// Said beside the control, in a polite live region of its own.
	const notice = tab2.getByRole('status').getByTestId('changed-elsewhere');

	// Tab 2's focus rests on a grade it has not changed while tab 1 picks one: it shows it at once,
	// keeps the focus, says so beside it, and the status line rightly says "Saved".
	await grade.focus();
	await page.getByLabel('Achievement').selectOption({ label: 'Strong standard' });
	await saved(page);
	await expect(grade).toHaveValue('strong');
	await expect(notice).toHaveText(
		'Changed in another tab or on another device: now “Strong standard”.'
	);
	await expect(grade).toBeFocused();
	await saved(tab2);
	expect(await seriousA11yViolations(tab2)).toEqual([]);
	// Leaving it, the note goes.
	await tab2.keyboard.press('Tab');
	await expect(notice).toHaveCount(0);

	// A tick box alike; the person's own change then speaks for itself, and no choice is asked.
	await firstDocument(tab2).focus();
	await firstDocument(page).check();
	await saved(page);
	await expect(firstDocument(tab2)).toBeChecked();
	await expect(notice).toHaveText('Changed in another tab or on another device: now ticked.');
	await expect(firstDocument(tab2)).toBeFocused();
	await tab2.keyboard.press('Space');
	await expect(firstDocument(tab2)).not.toBeChecked();
	await expect(notice).toHaveCount(0);
	await saved(tab2);
	await expect(firstDocument(page)).not.toBeChecked();

	// Radio buttons alike: the one checked follows, the focus stays on the one it was on.
	const met = tab2.getByLabel('Met', { exact: true });
	await met.focus();
	await page.getByLabel('Not met', { exact: true }).check();
	await saved(page);
	await expect(tab2.getByLabel('Not met', { exact: true })).toBeChecked();
	await expect(notice).toHaveText('Changed in another tab or on another device: now “Not met”.');
	await expect(met).toBeFocused();
	for (const p of [page, tab2]) {
		await p.reload();
		await expect(p.getByLabel('Achievement')).toHaveValue('strong');
		await expect(firstDocument(p)).not.toBeChecked();
		await expect(p.getByLabel('Not met', { exact: true })).toBeChecked();
		await expect(p.getByTestId('save-state')).not.toContainText(/needs your choice/i);
	}
});

test('a grade changed here and not saved yet, and in another tab too, keeps this one, says so, and its save asks which to keep', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(150_000);
	const url = await newDraftVisit(page, request);
	const tab2 = await context.newPage();
	await tab2.goto(url);
	await expect(tab2.getByLabel('Achievement')).toBeVisible();
	// The browser's clock, both tabs', stops: a save, a moment after its change (`Autosave`), waits
	// until the clock is moved on, so the order of the two saves is the test's, not a race.
	await context.clock.install();
	await context.clock.pauseAt(Date.now() + 1_000);
	const grade = page.getByLabel('Achievement');
	await tab2.getByLabel('Achievement').selectOption({ label: 'Strong standard' });
	await context.clock.runFor(290);
	await grade.focus();
	await grade.selectOption({ label: 'Expected standard' });
	// Tab 2's save is due first, and the clock moves on in small steps until it has reached this tab:
	// this tab's pick is changed and not saved when tab 2's arrives (its own save is due 290 ms on).
	const notice = page.getByRole('status').getByTestId('changed-elsewhere');
	for (let ms = 0; ms < 280 && (await notice.count()) === 0; ms += 10) {
		await context.clock.runFor(10);
	}

	// This tab keeps its own grade, with the focus, and says beside it what the other one is.
	await expect(notice).toHaveText(
		'! Also changed in another tab or on another device, to “Strong standard”. Yours stays, and the record asks you which to keep.'
	);
	await expect(grade).toHaveValue('expected');
	await expect(grade).toBeFocused();

	// Its save keeps both as a choice: nothing is lost.
	await context.clock.resume();
	for (const p of [page, tab2]) {
		await expect(p.getByTestId('save-state')).toContainText(/needs your choice/i);
	}
	await expect(grade).toHaveValue('expected');
	expect(await seriousA11yViolations(page)).toEqual([]);
	await tab2.close();
	await page.goto('/choices');
	const choice = page.getByTestId('choice');
	await expect(choice).toHaveCount(1);
	await expect(choice.locator('legend')).toContainText('Achievement');
	const options = choice.getByTestId('choice-option');
	await expect(options).toHaveCount(2);
	for (const label of ['Strong standard', 'Expected standard']) {
		await expect(options.filter({ hasText: label })).toHaveCount(1);
	}
	// Settled here and sent, so the demo SIL's later tests see no choice.
	await options
		.filter({ hasText: 'Expected standard' })
		.getByRole('button', { name: /Keep this one/ })
		.click();
	await expect(page.getByTestId('choice-done')).toBeVisible();
	await expectAllSent(page);
	await page.goto(url);
	await expect(page.getByLabel('Achievement')).toHaveValue('expected');
});

const TAB1_FOCUS = 'Phonics in Reception, written in the first tab';
const TAB2_FOCUS = 'Maths mastery in Year 6, written in the second tab';
/** Both tabs' texts, in either order, as "Keep both" joins them; then `after`, at the end. */
const bothFocuses = (after = '') =>
	new RegExp(`(${TAB1_FOCUS}[\\s\\S]*${TAB2_FOCUS}|${TAB2_FOCUS}[\\s\\S]*${TAB1_FOCUS})${after}$`);

/**
 * A draft booklet open in `page` and in a second tab (returned), each of which wrote its own focus
 * of the visit, tab 2's cursor staying in the box throughout: the record needs a choice between two
 * texts typed by one person in one browser within a minute.
 */
async function focusChoiceInTwoTabs(
	page: Page,
	context: BrowserContext,
	request: APIRequestContext
): Promise<Page> {
	const url = await newDraftVisit(page, request);
	const tab2 = await context.newPage();
	await tab2.goto(url);
	await tab2.getByLabel('Focus of the visit').click();
	await page.getByLabel('Focus of the visit').fill(TAB1_FOCUS);
	await saved(page);
	await expect(tab2.getByTestId('changed-elsewhere')).toBeVisible();
	await tab2.getByLabel('Focus of the visit').fill(TAB2_FOCUS);
	for (const p of [page, tab2]) {
		await expect(p.getByTestId('save-state')).toContainText(/needs your choice/i);
	}
	await expect(tab2.getByLabel('Focus of the visit')).toBeFocused();
	return tab2;
}

test('two versions typed in two tabs of one browser are told apart on “Needs your choice”', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(120_000);
	const tab2 = await focusChoiceInTwoTabs(page, context, request);
	await tab2.close();
	await page.goto('/choices');
	const options = page.getByTestId('choice').getByTestId('choice-option');
	await expect(options).toHaveCount(2);
	const who = (text: string) => options.filter({ hasText: text }).locator('.who');
	// Same person, same device, same minute: the time is given to the second, and which came first.
	await expect(who(TAB1_FOCUS)).toContainText(/at \d{2}:\d{2}:\d{2}, the earlier of the two/);
	await expect(who(TAB2_FOCUS)).toContainText(/at \d{2}:\d{2}:\d{2}, the later of the two/);
	expect(await who(TAB1_FOCUS).innerText()).not.toEqual(await who(TAB2_FOCUS).innerText());
	// Settled here and sent, so the demo SIL's later tests see no choice.
	await page.getByTestId('choice').getByRole('button', { name: 'Keep both' }).click();
	await expect(page.getByTestId('choice-done')).toBeVisible();
	await expectAllSent(page);
});

test('after “Keep both” in one tab, the other tab’s box says it changed and shows the new text when asked', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(150_000);
	const tab2 = await focusChoiceInTwoTabs(page, context, request);
	const url = tab2.url();
	const box = tab2.getByLabel('Focus of the visit');

	// Both kept in tab 1, while tab 2's cursor is still in the box.
	await page.goto('/choices');
	await page.getByTestId('choice').getByRole('button', { name: 'Keep both' }).click();
	await expect(page.getByTestId('choice-done')).toContainText('Both texts kept');

	// Tab 2's text does not move under the cursor, but the box says so, and nothing says "Saved".
	await expect(tab2.getByTestId('save-state')).not.toContainText(/needs your choice/i);
	await expect(box).toHaveValue(TAB2_FOCUS);
	await expect(box).toBeFocused();
	const notice = tab2.getByTestId('changed-elsewhere');
	await expect(notice).toContainText(
		'This answer was changed in another tab or on another device.'
	);
	await expect(tab2.getByTestId('save-state')).toContainText(
		'The box you are in does not show what the record says now'
	);
	await expect(tab2.getByTestId('save-state')).not.toContainText('Saved');
	expect(await seriousA11yViolations(tab2)).toEqual([]);

	// Asked, the box shows both texts, and the cursor is back in it.
	await notice.getByRole('button', { name: 'Show the new text' }).click();
	await expect(box).toHaveValue(bothFocuses());
	await expect(box).toBeFocused();
	await expect(notice).toHaveCount(0);
	await saved(tab2);

	// Typing on there asks no choice again.
	await tab2.keyboard.press('ControlOrMeta+End');
	await tab2.keyboard.type(' Then the school’s calculation policy.');
	await saved(tab2);
	await tab2.keyboard.press('Tab');
	await page.goto(url);
	for (const p of [tab2, page]) {
		if (p === tab2) await p.reload();
		await expect(p.getByLabel('Focus of the visit')).toHaveValue(
			bothFocuses(' Then the school’s calculation policy\\.')
		);
		await expect(p.getByTestId('save-state')).not.toContainText(/needs your choice/i);
	}
	await expectAllSent(page);
});

/** A discussion area's evidence box, in the page `p`. */
const readingEvidence = (p: Page) =>
	p.getByRole('group', { name: 'Reading' }).getByLabel('Evidence');

/**
 * A draft booklet whose "Reading" area's evidence reads `start`, saved, and open in a second tab of
 * the same browser (returned) as well as in `page`.
 */
async function evidenceInTwoTabs(
	page: Page,
	context: BrowserContext,
	request: APIRequestContext,
	start: string
): Promise<Page> {
	const url = await newDraftVisit(page, request);
	await page.getByLabel('Add a discussion area').fill('Reading');
	await page.getByRole('button', { name: 'Add area' }).click();
	await readingEvidence(page).fill(start);
	await readingEvidence(page).press('Tab');
	await saved(page);
	const tab2 = await context.newPage();
	await tab2.goto(url);
	await expect(readingEvidence(tab2)).toHaveValue(start);
	return tab2;
}

/** Each tab's evidence reads `text` with no choice asked for, and again after a reload. */
async function expectJoined(tabs: Page[], text: string): Promise<void> {
	for (const p of tabs) {
		for (const reload of [false, true]) {
			if (reload) await p.reload();
			await expect(readingEvidence(p)).toHaveValue(text);
			await expect(p.getByText('needs your choice')).toHaveCount(0);
		}
	}
}

test('two tabs typing in different paragraphs of one box both keep their words, with no choice', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(120_000);
	const tab2 = await evidenceInTwoTabs(
		page,
		context,
		request,
		'Book looks in Year 4\n\nReading records checked'
	);

	// Tab 2 adds to the second paragraph and stays in the box.
	await readingEvidence(tab2).click();
	await tab2.keyboard.press('ControlOrMeta+End');
	await tab2.keyboard.type(': signed weekly');
	await saved(tab2);
	// Tab 1 takes that in, then adds to the first paragraph.
	await expect(readingEvidence(page)).toHaveValue(
		'Book looks in Year 4\n\nReading records checked: signed weekly'
	);
	await readingEvidence(page).click();
	await page.keyboard.press('ControlOrMeta+Home');
	await page.keyboard.press('End');
	await page.keyboard.type(' and Year 5');
	await saved(page);
	await page.keyboard.press('Tab');

	// Tab 2's text does not move under its cursor (the box says the record's changed), and what it
	// types on joins tab 1's paragraph.
	await expect(readingEvidence(tab2)).toHaveValue(
		'Book looks in Year 4\n\nReading records checked: signed weekly'
	);
	await expect(tab2.getByTestId('changed-elsewhere')).toBeVisible();
	await tab2.keyboard.type(' by parents.');
	const both =
		'Book looks in Year 4 and Year 5\n\nReading records checked: signed weekly by parents.';
	await expect(readingEvidence(page)).toHaveValue(both);
	await tab2.keyboard.press('Tab');
	await tab2.keyboard.press('Tab');
	await expectJoined([tab2, page], both);
});

test('two tabs adding sentences to one paragraph keep both, and typing on there still joins', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(120_000);
	const start = 'Book looks in Year 4.';
	const tab2 = await evidenceInTwoTabs(page, context, request, start);

	// Tab 2's cursor waits at the end of the paragraph while tab 1 adds a sentence there.
	await readingEvidence(tab2).click();
	await tab2.keyboard.press('ControlOrMeta+End');
	await readingEvidence(page).click();
	await page.keyboard.press('ControlOrMeta+End');
	await page.keyboard.type(' Phonics records up to date.');
	await saved(page);
	await page.keyboard.press('Tab');

	// Tab 2 adds its own sentence (its save joins the two, tab 1's first), then types on.
	await expect(readingEvidence(tab2)).toHaveValue(start);
	await tab2.keyboard.type(' Pupils read aloud.');
	await expect(readingEvidence(page)).toHaveValue(
		`${start} Phonics records up to date. Pupils read aloud.`
	);
	await tab2.keyboard.type(' Guided reading seen.');
	const all = `${start} Phonics records up to date. Pupils read aloud. Guided reading seen.`;
	await expect(readingEvidence(page)).toHaveValue(all);
	await tab2.keyboard.press('Tab');
	await tab2.keyboard.press('Tab');
	await expectJoined([tab2, page], all);
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

	// A discussion area being named, not yet added, survives a reload, and goes once it is added.
	const area = again.getByLabel(/^Add a discussion area/);
	await area.fill('Attendance of disadvantaged pupils');
	await again.reload();
	await expect(area).toHaveValue('Attendance of disadvantaged pupils');
	await again.getByRole('button', { name: 'Add area' }).click();
	await expect(area).toHaveValue('');
	await saved(again);
	await again.reload();
	await expect(
		again.getByRole('button', { name: 'Remove “Attendance of disadvantaged pupils”' })
	).toBeVisible();
	await expect(area).toHaveValue('');

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
	await expect(again.getByTestId('visit-next-step')).toContainText(
		'by the end of Spring 1 (term 3)'
	);
	await expect(again.getByLabel('Next step', { exact: true })).toHaveValue('');
	await again.reload();
	await expect(again.getByTestId('visit-next-step')).toContainText(step);
	await expect(again.getByLabel('Next step', { exact: true })).toHaveValue('');
	await expect(again.getByLabel(/^Owner/)).toHaveValue('');
});

test('a note of typing older than the save that followed it (a browser killed) asks no choice', async ({
	page,
	request
}) => {
	test.setTimeout(90_000);
	await newDraftVisit(page, request);
	const field = page.getByLabel('Focus of the visit');
	await field.fill('T2-');
	await saved(page);
	// The note kept at a keystroke of the typing that follows, before its save.
	await field.pressSequentially('comme');
	const kept = await page.evaluate(() => {
		const key = Object.keys(localStorage).find((k) => k.startsWith('si:unsaved:'))!;
		return { key, note: localStorage.getItem(key)! };
	});
	await field.pressSequentially('nt');
	await saved(page);
	await expect
		.poll(() =>
			page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('si:unsaved:')))
		)
		.toEqual([]);
	// As a killed browser leaves it: the older note back, its removal lost; the save kept.
	await page.evaluate(({ key, note }) => localStorage.setItem(key, note), kept);
	expect(JSON.parse(kept.note).draft.focus).toBe('T2-comme');

	await page.reload();
	await expect(field).toHaveValue('T2-comment');
	await expect(page.getByTestId('save-state')).not.toContainText('needs your choice');
	await expectAllSent(page);
	await expect(page.getByTestId('choice-notice')).toHaveCount(0);
	await expect(field).toHaveValue('T2-comment');
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

/**
 * The SIL types in a new draft booklet and the tab closes straight after, before the save: what
 * was typed is kept only in the device's note. Meanwhile, on the trust's server, the booklet is
 * moved on by `status` (as the head's device or the SIL's other device would). Gives the path of
 * the booklet on the server, and opens the app again in a new tab.
 */
async function typingCutShort(
	page: Page,
	request: APIRequestContext,
	focus: string,
	status: 'shared' | 'confirmed',
	/** The editor's save reached the device (offline) before the tab closed: not a kept note. */
	saved = false
): Promise<{ again: Page; path: string; visitUrl: string }> {
	const visitUrl = await newDraftVisit(page, request);
	const users = await demoUsers(request);
	const school = schoolsWithoutHead(users)[0];
	const id = decodeURIComponent(new URL(visitUrl).pathname.split('/').pop()!);
	const path = `school-${school}/${encodeURIComponent(id)}`;
	await expectAllSent(page);
	// The booklet is at the trust before the typing starts (what the test needs, not only what the
	// status line says).
	await expect.poll(async () => (await serverGet(request, path)).status).toBe(200);

	const context = page.context();
	if (!saved) {
		// The tab closes before the editor's save reaches the device, whatever the machine's speed:
		// this document's writes to PouchDB's stores are held back, so what was typed is only in
		// the note kept at each keystroke. (Closing at once usually beats the save; on a loaded
		// machine the save could land first, and the booklet then held a clash of its own.)
		await page.evaluate(() => {
			const put = IDBObjectStore.prototype.put;
			IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args) {
				if (this.name === 'document-store' || this.name === 'by-sequence') {
					throw new DOMException('Held back by the test', 'AbortError');
				}
				return put.apply(this, args);
			};
		});
	}
	await page.getByLabel('Focus of the visit').fill(focus);
	if (saved) {
		await context.setOffline(true);
		await expect(page.getByTestId('sync-status')).toContainText('1 change waiting');
	}
	await page.close();
	await context.setOffline(false);

	const { body } = await serverGet<Record<string, unknown>>(request, path);
	expect(body.focus).not.toBe(focus);
	const at = new Date().toISOString();
	const shared = { by: users.sil, at };
	const confirmation = { by: users.heads[0]!.name, at, comment: 'A fair record' };
	await serverPut(request, path, {
		...body,
		status,
		shared,
		...(status === 'confirmed' ? { confirmation } : {})
	});

	const again = await context.newPage();
	await again.goto('/');
	await expect(again.getByRole('heading', { level: 1 })).toBeVisible();
	return { again, path, visitUrl };
}

for (const saved of [false, true]) {
	test(`typing ${saved ? 'saved offline' : 'cut short'} on a booklet confirmed meanwhile reaches the trust as an addendum`, async ({
		page,
		request
	}) => {
		await confirmedMeanwhile(page, request, saved);
	});
}

/**
 * The typing reaches the confirmed booklet as an addendum, and nothing is left waiting: with
 * `saved`, the edit was on the device, the trust refuses it, and the version it made is ended.
 */
async function confirmedMeanwhile(page: Page, request: APIRequestContext, saved: boolean) {
	test.setTimeout(120_000);
	const focus = 'Phonics catch-up in year 2, with the reading lead';
	const { again, path, visitUrl } = await typingCutShort(page, request, focus, 'confirmed', saved);
	const { sil } = await demoUsers(request);

	// The confirmed text stays as the head confirmed it; the typing is appended in the SIL's name.
	type Addendum = { by: string; text: string };
	const onServer = async () =>
		(await serverGet<{ focus: string; status: string; addenda: Addendum[] }>(request, path)).body;
	await expect
		.poll(async () => (await onServer()).addenda, { timeout: 45_000 })
		.toEqual([
			expect.objectContaining({
				by: sil,
				text: expect.stringContaining(`• Focus of the visit: ${focus}`)
			})
		]);
	const record = await onServer();
	expect(record.status).toBe('confirmed');
	expect(record.focus).not.toBe(focus);
	expect(record.addenda[0]!.text).toContain('not part of what was confirmed');

	// The note is forgotten: nothing is left to keep sign-out asking, and the record shows it.
	await expect
		.poll(() =>
			again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('si:unsaved:')))
		)
		.toEqual([]);
	await expectAllSent(again);
	await again.goto(visitUrl);
	await expect(again.getByRole('heading', { name: 'Addenda' })).toBeVisible();
	await expect(again.getByText(`• Focus of the visit: ${focus}`)).toBeVisible();
	// The print view, kept on paper, dates the addendum rather than saying "today".
	await again.goto(`${visitUrl}/print`);
	await expect(
		again.getByText(/^\d{1,2} [A-Z][a-z]{2,3} \d{4} at \d{2}:\d{2}, James Whitfield:$/)
	).toBeVisible();
	expect(await again.locator('main').innerText()).not.toMatch(/\btoday\b/);
}

test('typing its booklet refuses is shown, to copy or discard, and sign-out says what it is', async ({
	page,
	request
}) => {
	test.setTimeout(120_000);
	const focus = 'Maths mastery in year 6, with the maths lead';
	// Shared with the head meanwhile: a shared booklet takes no change until taken back to draft.
	const { again } = await typingCutShort(page, request, focus, 'shared');
	await again.setViewportSize({ width: 360, height: 740 });

	// The status line says so, in red, instead of "All changes sent".
	const status = again.getByTestId('sync-status');
	await expect(status).toContainText('Typing in 1 record not saved', { timeout: 45_000 });
	await status.click();
	const section = again.getByRole('region', { name: 'Typing not saved' });
	const note = section.getByRole('listitem');
	await expect(note.getByRole('heading', { name: /^SI discussion record, / })).toBeVisible();
	await expect(note.getByRole('link', { name: /^SI discussion record, / })).toBeVisible();
	await expect(note).toContainText('shared with the headteacher: take it back to draft');
	await expect(note).toContainText(await typedWhen(again, 'si:unsaved:'));
	await expect(note.getByRole('definition')).toHaveText(focus);
	expect(await seriousA11yViolations(again)).toEqual([]);
	expect(await horizontalOverflow(again)).toBeLessThanOrEqual(0);
	await note.getByRole('button', { name: 'Copy the text' }).click();
	await expect(note.getByRole('status')).toBeVisible();

	// Signing out does not wipe it without saying what it is; discarded deliberately, it is gone
	// from the device and from the status line.
	await signOutSaysThenDiscard(again, {
		section,
		entry: note,
		says: 'It is typing that could not be saved into its record',
		kept: focus
	});
	await expect(status).toContainText('All changes sent');
	expect(
		await again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('si:unsaved:')))
	).toEqual([]);
});
