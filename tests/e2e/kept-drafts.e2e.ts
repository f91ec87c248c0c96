import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import {
	backdateDrafts,
	demoUsers,
	expectAllSent,
	horizontalOverflow,
	newDevice,
	seriousA11yViolations,
	serverDelete,
	serverGet,
	serverPut,
	signIn,
	signOutSaysThenDiscard,
	typedWhen
} from './helpers.ts';

// Forms that are sent, not saved as the person types, keep what is typed on the device
// (`KeptDraft`): another screen, a reload or a closed tab loses none of it, and sending it (or
// Cancel) lets it go.

/**
 * The forms whose text is kept on this device now, by their `what` (`vulnerable-mark:<id>`), one
 * for each tab that keeps one (`#<tab>` in the key).
 */
async function keptDrafts(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		Object.keys(localStorage)
			.filter((k) => k.startsWith('si:draft:'))
			.map((k) => k.slice('si:draft:'.length, k.lastIndexOf(':')).replace(/#[0-9a-f]{8}$/, ''))
			.sort()
	);
}

/** Another screen and back, as a person following a link would. */
async function awayAndBack(page: Page): Promise<void> {
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
	await expect(page).toHaveURL(/\/sync$/);
	await page.goBack();
}

test('the CEO’s vulnerable route forms keep what is typed until it is saved or cancelled', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const { ceo } = await demoUsers(request);
	const { page, context } = await newDevice(browser);
	await signIn(page, ceo);
	await page.goto('/schools/ashcombe/overview');
	const route = page.getByTestId('vulnerable-route');
	await expect(route).toContainText('On the annual cycle');

	// Marking: typed, then another screen, a reload; the form opens again on what was typed.
	const reason = `Attendance fell for a second term (${Date.now()}).`;
	await route.getByRole('button', { name: 'Mark the school vulnerable' }).click();
	await page.getByLabel('Why the school is thought vulnerable').fill(reason);
	await page.getByLabel('Support agreed').fill('Weekly attendance meetings with the SIL.');
	await expect(page.getByTestId('mark-kept')).toHaveCount(0);
	await awayAndBack(page);
	await expect(page.getByLabel('Why the school is thought vulnerable')).toHaveValue(reason);
	await expect(page.getByTestId('mark-kept')).toBeVisible();
	await page.reload();
	await expect(page.getByLabel('Why the school is thought vulnerable')).toHaveValue(reason);
	await expect(page.getByLabel('Support agreed')).toHaveValue(
		'Weekly attendance meetings with the SIL.'
	);
	expect(await keptDrafts(page)).toEqual(['vulnerable-mark:ashcombe']);
	await route.getByRole('button', { name: 'Mark the school vulnerable' }).click();
	await expect(page.getByTestId('support-plan')).toHaveText(
		'Weekly attendance meetings with the SIL.'
	);
	// The form and its button have gone: the focus is on what was done.
	await expect(route.getByRole('status')).toHaveText('The school is marked vulnerable.');
	await expect(route.getByRole('status')).toBeFocused();
	expect(await keptDrafts(page)).toEqual([]);

	// Updating the support: what is typed survives a reload, and goes once saved.
	await route.getByRole('button', { name: 'Update the meeting or support' }).click();
	await expect(page.getByLabel('Meeting with the headteacher on')).toBeFocused();
	await page.getByLabel('Support agreed').fill('Daily attendance checks; a review at half-term.');
	await page.reload();
	await expect(page.getByLabel('Support agreed')).toHaveValue(
		'Daily attendance checks; a review at half-term.'
	);
	await expect(page.getByTestId('mark-edit-kept')).toBeVisible();
	await route.getByRole('button', { name: 'Save', exact: true }).click();
	await expect(page.getByTestId('support-plan')).toHaveText(
		'Daily attendance checks; a review at half-term.'
	);
	await expect(route.getByRole('status')).toBeFocused();
	await expect(page.getByLabel('Support agreed')).toHaveCount(0);
	expect(await keptDrafts(page)).toEqual([]);
	await page.reload();
	await expect(page.getByTestId('support-plan')).toHaveText(
		'Daily attendance checks; a review at half-term.'
	);
	await expect(route.getByRole('button', { name: 'Update the meeting or support' })).toBeVisible();

	// Removing: the reason survives a reload; the mark removed, nothing is kept.
	await route.getByRole('button', { name: 'Remove the mark' }).click();
	await expect(page.getByLabel('No longer vulnerable from')).toBeFocused();
	await route.getByRole('button', { name: 'Cancel' }).click();
	await expect(route.getByRole('button', { name: 'Remove the mark' })).toBeFocused();
	await route.getByRole('button', { name: 'Remove the mark' }).click();
	await page.getByLabel('Why the school is no longer vulnerable').fill('Attendance is back up.');
	await page.reload();
	await expect(page.getByLabel('Why the school is no longer vulnerable')).toHaveValue(
		'Attendance is back up.'
	);
	await expect(page.getByTestId('mark-remove-kept')).toBeVisible();
	await route.getByRole('button', { name: 'Remove the mark' }).click();
	await expect(route).toContainText('On the annual cycle since');
	await expect(route.getByRole('status')).toBeFocused();
	expect(await keptDrafts(page)).toEqual([]);
	await page.reload();
	await route.getByRole('button', { name: 'Mark the school vulnerable' }).click();
	await expect(page.getByLabel('Why the school is thought vulnerable')).toHaveValue('');
	await expect(page.getByTestId('mark-kept')).toHaveCount(0);
	// Cancel lets a new mark's text go.
	await page.getByLabel('Why the school is thought vulnerable').fill('Not sure yet');
	await route.getByRole('button', { name: 'Cancel' }).click();
	await page.reload();
	await expect(route.getByRole('button', { name: 'Mark the school vulnerable' })).toBeVisible();
	await expect(page.getByLabel('Why the school is thought vulnerable')).toHaveCount(0);
	expect(await keptDrafts(page)).toEqual([]);
	await context.close();
});

test('a review being recorded is kept until it is recorded', async ({ browser }) => {
	test.setTimeout(120_000);
	const { page, context } = await newDevice(browser);
	await signIn(page, E2E.admin);
	await page.goto('/schools/kingsmead/reviews');
	await expect(page.getByRole('heading', { name: 'Record an inspection or review' })).toBeVisible();
	const headline = `Strong curriculum leadership in English (${Date.now()}).`;
	await page.getByLabel('Kind').selectOption({ label: 'Peer review' });
	await page.getByLabel(/^Who/).fill('Ashcombe Primary School');
	await page.getByLabel(/^Headline/).fill(headline);
	await awayAndBack(page);
	await expect(page.getByLabel(/^Headline/)).toHaveValue(headline);
	await page.reload();
	await expect(page.getByTestId('review-kept')).toBeVisible();
	await expect(page.getByLabel('Kind')).toHaveValue('peer');
	await expect(page.getByLabel(/^Who/)).toHaveValue('Ashcombe Primary School');
	await expect(page.getByLabel(/^Headline/)).toHaveValue(headline);
	expect(await keptDrafts(page)).toEqual(['review:kingsmead']);

	await page.getByRole('button', { name: 'Record it' }).click();
	await expect(page.getByText('The peer review of')).toBeVisible();
	await expect(page.getByTestId('reviews')).toContainText(headline);
	await expect(page.getByLabel(/^Headline/)).toHaveValue('');
	await expect(page.getByTestId('review-kept')).toHaveCount(0);
	expect(await keptDrafts(page)).toEqual([]);
	await page.reload();
	await expect(page.getByLabel(/^Headline/)).toHaveValue('');
	await expect(page.getByLabel('Kind')).toHaveValue('ofsted');
	await expectAllSent(page);
	await context.close();
});

test('a visit being planned keeps its time, its reason and its note until it is planned', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil } = await demoUsers(request);
	const { page, context } = await newDevice(browser);
	await signIn(page, sil);
	// Willow Bank: category 1, up to 3 days, with time planned already: two more days go past it.
	await page.goto('/schools/willow-bank/plan');
	await expect(page.getByRole('heading', { level: 1, name: 'Plan a visit' })).toBeVisible();
	const note = `Asked for by the governors (${Date.now()}).`;
	await page.getByLabel(/^SI time/).selectOption('2');
	const beyond = page.getByTestId('beyond-allowance');
	await beyond.getByLabel('The school asked for extra support').check();
	await page.getByLabel(/^Note/).fill(note);
	await awayAndBack(page);
	await expect(page.getByLabel(/^Note/)).toHaveValue(note);
	await page.reload();
	await expect(page.getByTestId('plan-kept')).toBeVisible();
	await expect(page.getByLabel(/^SI time/)).toHaveValue('2');
	await expect(beyond.getByLabel('The school asked for extra support')).toBeChecked();
	await expect(page.getByLabel(/^Note/)).toHaveValue(note);
	expect(await keptDrafts(page)).toEqual(['plan:willow-bank']);

	await page.getByRole('button', { name: 'Plan the visit' }).click();
	await expect(page).toHaveURL(/\/visits\//);
	expect(await keptDrafts(page)).toEqual([]);
	await page.goto('/schools/willow-bank/plan');
	await expect(page.getByRole('heading', { level: 1, name: 'Plan a visit' })).toBeVisible();
	await expect(page.getByLabel(/^SI time/)).not.toHaveValue('2');
	await expect(page.getByTestId('plan-kept')).toHaveCount(0);
	await expectAllSent(page);
	await context.close();
});

test('an administrator’s school forms keep what is typed until it is sent', async ({ browser }) => {
	test.setTimeout(150_000);
	const { page, context } = await newDevice(browser);
	await signIn(page, E2E.admin);
	const name = 'Rowan Tree Primary School';

	// Adding a school.
	await page.goto('/admin/schools');
	await page.getByLabel('School name').fill(name);
	await page.getByLabel(/^URN/).fill('149011');
	await page.getByLabel('Category').selectOption('2b');
	await awayAndBack(page);
	await expect(page.getByLabel('School name')).toHaveValue(name);
	await page.reload();
	await expect(page.getByTestId('school-kept')).toBeVisible();
	await expect(page.getByLabel('School name')).toHaveValue(name);
	await expect(page.getByLabel(/^URN/)).toHaveValue('149011');
	await expect(page.getByLabel('Category')).toHaveValue('2b');
	expect(await keptDrafts(page)).toEqual(['school:new']);
	await page.getByRole('button', { name: 'Add the school' }).click();
	await expect(page.getByText(`${name} was added`)).toBeVisible();
	await expect(page.getByLabel('School name')).toHaveValue('');
	await expect(page.getByLabel('Category')).toHaveValue('2a');
	expect(await keptDrafts(page)).toEqual([]);
	await expectAllSent(page);

	// Changing its situation.
	await page.getByRole('link', { name }).click();
	await expect(page.getByTestId('current-situation')).toContainText('Now category 2b');
	await page.getByLabel('Category').selectOption('2a');
	const why = page.getByLabel(/^Reason The CEO sees this/);
	await why.fill('Its first inspection found it good.');
	await page.reload();
	await expect(page.getByTestId('situation-kept')).toBeVisible();
	await expect(page.getByLabel('Category')).toHaveValue('2a');
	await expect(why).toHaveValue('Its first inspection found it good.');
	await page.getByRole('button', { name: 'Record the change' }).click();
	await expect(page.getByTestId('current-situation')).toContainText('Now category 2a');
	await expect(why).toHaveValue('');
	await expect(page.getByTestId('situation-kept')).toHaveCount(0);

	// Closing it (a closed school's records are kept, read-only; the demo trust keeps its schools).
	await page.getByLabel('Reason', { exact: true }).fill('Merged with Ashcombe Primary School');
	await page.reload();
	await expect(page.getByTestId('close-kept')).toBeVisible();
	await expect(page.getByLabel('Reason', { exact: true })).toHaveValue(
		'Merged with Ashcombe Primary School'
	);
	expect(await keptDrafts(page)).toEqual(['close-school:rowan-tree-primary-school']);
	await page.getByRole('button', { name: 'Close the school' }).click();
	await expect(page.getByText('Its records are kept, read-only.').first()).toBeVisible();
	expect(await keptDrafts(page)).toEqual([]);
	await expectAllSent(page);
	await context.close();
});

/**
 * The Sync page, as it is once every draft kept on this device was typed 11 minutes ago: long
 * enough untouched to be listed (`DRAFT_RESTS_MS`).
 */
async function syncPageLater(page: Page): Promise<void> {
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
	await backdateDrafts(page, 'si:draft:', 11 * 60_000);
	await page.reload();
}

/** The SIL, the first head, that head's school's documents and a record the SIL confirmed there. */
async function silsConfirmedRecord(request: APIRequestContext) {
	const { sil, heads } = await demoUsers(request);
	const head = heads[0]!;
	const { body: all } = await serverGet<{
		rows: { doc: Record<string, unknown> & { _id: string } }[];
	}>(request, `school-${head.school}/_all_docs?include_docs=true`);
	const docs = all.rows.map((r) => r.doc);
	const base = docs.find(
		(d) => d.type === 'visit' && d.visitor === sil && d.status === 'confirmed'
	)!;
	return { sil, head, docs, base };
}

/**
 * A new visit record of the SIL's at the first head's school, copied from a confirmed one, in
 * draft or shared with the head for confirmation; with the school's documents as they were before it.
 */
async function newRecord(request: APIRequestContext, status: 'draft' | 'shared') {
	const { sil, head, docs, base } = await silsConfirmedRecord(request);
	const id = base._id.replace(/[^:]+$/, crypto.randomUUID());
	const path = `school-${head.school}/${encodeURIComponent(id)}`;
	await serverPut(request, path, {
		...base,
		_id: id,
		_rev: undefined,
		status,
		shared: status === 'shared' ? { by: sil, at: new Date().toISOString() } : undefined,
		confirmation: undefined,
		disagreement: undefined,
		addenda: [],
		choices: []
	});
	return { sil, head, id, path, docs, base };
}

const sharedWithHead = (request: APIRequestContext) => newRecord(request, 'shared');

test('a reply whose form went away meanwhile is shown on the Sync page, counted at sign-out, and discarded', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const { head, id, path } = await sharedWithHead(request);
	const { page, context } = await newDevice(browser, { width: 360, height: 740 });
	try {
		await signIn(page, head.name);
		await page.goto(`/visits/${encodeURIComponent(id)}`);
		// Reached with the keyboard before anything is typed: pressed, it says what it needs.
		const box = page.getByLabel('Or say what does not reflect the discussion');
		await page.getByRole('button', { name: 'Send my disagreement' }).focus();
		await expect(page.getByRole('button', { name: 'Send my disagreement' })).toBeFocused();
		await page.keyboard.press('Enter');
		await expect(box).toBeFocused();
		await expect(box).toHaveAttribute('aria-invalid', 'true');
		await expect(box).toHaveAccessibleDescription('Say what does not reflect the discussion.');
		const reason = `The maths section misses the lesson we discussed (${Date.now()}).`;
		await box.fill(reason);
		await expect(box).not.toHaveAttribute('aria-invalid');

		// The SIL takes the record back to draft on their own device: the head's form goes away,
		// and what the head typed is nowhere on the screen.
		const { body: now } = await serverGet<Record<string, unknown>>(request, path);
		await serverPut(request, path, { ...now, status: 'draft', shared: undefined });
		await expect(page.getByText('The visitor has not shared this record yet.')).toBeVisible({
			timeout: 30_000
		});
		await expect(page.getByLabel('Or say what does not reflect the discussion')).toHaveCount(0);

		// Typed a moment ago, it may still be worked on (in another tab): no nagging yet.
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Sync' })
			.click();
		await expectAllSent(page);
		await expect(page.getByRole('region', { name: 'Typing not saved' })).toHaveCount(0);

		// Left ten minutes and more: said in the status line and shown, with its text and its page.
		await backdateDrafts(page, 'si:draft:visit:', 11 * 60_000);
		await page.reload();
		const status = page.getByTestId('sync-status');
		await expect(status).toContainText('Typing in 1 form not sent', { timeout: 45_000 });
		const section = page.getByRole('region', { name: 'Typing not saved' });
		const draft = section.getByRole('listitem');
		// Named as the head's form names it: their disagreement, not "a comment or addendum".
		await expect(draft.getByRole('heading')).toHaveText('A disagreement with a visit record');
		await expect(draft).toContainText('This form was never sent.');
		await expect(draft).toContainText(await typedWhen(page, 'si:draft:visit:'));
		// Labelled as the form labels it, and the record named, not just "Visit record".
		await expect(draft.getByRole('term')).toHaveText('What does not reflect the discussion');
		await expect(draft.getByRole('definition')).toHaveText(reason);
		await expect(draft).toContainText(/For: SI discussion record, .*, visit on /);
		// Back in draft, the record may be shared again: the form may be waiting, not gone.
		await expect(draft.getByTestId('draft-waiting')).toContainText(
			'the visitor took the record back to draft'
		);
		await expect(draft.getByRole('link', { name: 'Open its page' })).toHaveAttribute(
			'href',
			`/visits/${encodeURIComponent(id)}`
		);
		expect(await seriousA11yViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
		await draft.getByRole('button', { name: 'Copy the text' }).click();
		await expect(draft.getByRole('status')).toBeVisible();

		// Signing out does not wipe it without saying what it is; discarded deliberately, it is gone
		// from the device and the status line.
		await signOutSaysThenDiscard(page, {
			section,
			entry: draft,
			says: 'It is typing in a form never sent'
		});
		await expectAllSent(page);
		expect(await keptDrafts(page)).toEqual([]);
	} finally {
		await context.close();
		const { body: last } = await serverGet<{ _rev?: string }>(request, path);
		if (last._rev) await serverDelete(request, path, last._rev);
	}
});

test('the Sync page says which forms left unsent can still be sent, and which are gone for good', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	// A record of the SIL's shared with the head, who replies to it on this device.
	const { head, id, path, docs, base } = await sharedWithHead(request);
	const step = docs.find((d) => d.type === 'next-step')!;
	const { page, context } = await newDevice(browser, { width: 360, height: 740 });
	try {
		await signIn(page, head.name);
		// A progress update typed and left: its form is still there to finish.
		const note = `Phonics groups now meet daily (${Date.now()}).`;
		await page.goto(`/next-steps/${encodeURIComponent(step._id)}`);
		await page.getByLabel(/^What has happened/).fill(note);
		// A reply typed to the shared record, which is then confirmed on the head's other device.
		await page.goto(`/visits/${encodeURIComponent(id)}`);
		const reason = `Maths is missing (${Date.now()}).`;
		await page.getByLabel('Or say what does not reflect the discussion').fill(reason);
		const { body: now } = await serverGet<Record<string, unknown>>(request, path);
		await serverPut(request, path, {
			...now,
			status: 'confirmed',
			confirmation: base.confirmation
		});
		await expect(page.getByText('Confirmed by you').first()).toBeVisible({ timeout: 30_000 });

		await syncPageLater(page);
		await expect(page.getByTestId('sync-status')).toContainText('Typing in 2 forms not sent', {
			timeout: 45_000
		});
		const section = page.getByRole('region', { name: 'Typing not saved' });
		const entry = (title: string) =>
			section.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });

		// The reply's form is gone for good: said plainly, with no link to a form that is not there.
		const reply = entry('A disagreement with a visit record');
		await expect(reply.getByTestId('draft-gone')).toHaveText(
			'This form is no longer open to you: the record was confirmed. Copy the text if you need it, then discard it.'
		);
		await expect(reply.getByRole('definition')).toHaveText(reason);
		await expect(reply.getByRole('link')).toHaveCount(0);

		// The progress update's form is still there: a link opens it, with the text kept.
		const update = entry('A progress update on a next step');
		await expect(update.getByTestId('draft-open')).toContainText('still open to you');
		await expect(update).toContainText(/For: Next step, /);
		expect(await seriousA11yViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
		await update.getByRole('link', { name: 'Open the form' }).click();
		await expect(page).toHaveURL(new RegExp(`/next-steps/${encodeURIComponent(step._id)}$`));
		await expect(page.getByTestId('progress-kept')).toBeVisible();
		await expect(page.getByLabel(/^What has happened/)).toHaveValue(note);
	} finally {
		await context.close();
		const { body: last } = await serverGet<{ _rev?: string }>(request, path);
		if (last._rev) await serverDelete(request, path, last._rev);
	}
});

test('two tabs on one next step each keep their own typing: sending one leaves the other’s', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	// A next step of its own, so that the updates sent here touch no other test's.
	const { head, docs } = await silsConfirmedRecord(request);
	const base = docs.find((d) => d.type === 'next-step')!;
	const id = base._id.replace(/[^:]+$/, crypto.randomUUID());
	const db = `school-${head.school}`;
	const { _rev: _, ...step } = base;
	await serverPut(request, `${db}/${encodeURIComponent(id)}`, { ...step, _id: id });
	/** The step's progress updates on the trust's server. */
	const ofStep = async () => {
		const { body } = await serverGet<{
			rows: { doc: { _id: string; _rev: string; nextStepId?: string; note?: string } }[];
		}>(request, `${db}/_all_docs?include_docs=true`);
		return body.rows.map((r) => r.doc).filter((d) => d.nextStepId === id);
	};
	const { page: a, context } = await newDevice(browser);
	try {
		await signIn(a, head.name);
		const b = await context.newPage();
		for (const tab of [a, b]) await tab.goto(`/next-steps/${encodeURIComponent(id)}`);
		const note = (tab: Page) => tab.getByLabel(/^What has happened/);
		await note(a).fill('TAB-A: humanities lead met year leaders');
		await note(b).fill('TAB-B: quick note');
		await b.getByRole('button', { name: 'Save update' }).click();
		await expect(b.getByTestId('progress').first()).toContainText('TAB-B: quick note');
		await expect(note(b)).toHaveValue('');

		// Tab A reloaded (or discarded by the phone and opened again): its typing is still there.
		await a.reload();
		await expect(note(a)).toHaveValue('TAB-A: humanities lead met year leaders');
		await expect(a.getByTestId('progress-kept')).toBeVisible();
		await expect(a.getByTestId('progress').first()).toContainText('TAB-B: quick note');
		expect(await keptDrafts(a)).toEqual([`progress:${id}`]);
		await expectAllSent(b);
		expect((await ofStep()).map((d) => d.note)).toEqual(['TAB-B: quick note']);
	} finally {
		await context.close();
		for (const d of await ofStep()) {
			await serverDelete(request, `${db}/${encodeURIComponent(d._id)}`, d._rev);
		}
		const { body: last } = await serverGet<{ _rev: string }>(
			request,
			`${db}/${encodeURIComponent(id)}`
		);
		await serverDelete(request, `${db}/${encodeURIComponent(id)}`, last._rev);
	}
});

test('a visitor’s addendum left unsent is named on the Sync page as the addendum it is', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, base: confirmed } = await silsConfirmedRecord(request);
	const { page, context } = await newDevice(browser);
	try {
		await signIn(page, sil);
		await page.goto(`/visits/${encodeURIComponent(confirmed._id)}`);
		// Reached with the keyboard before anything is written: pressed, it says what it needs.
		const box = page.getByLabel(/^Add an addendum/);
		const add = page.getByRole('button', { name: 'Add addendum' });
		await add.focus();
		await expect(add).toBeFocused();
		await page.keyboard.press('Enter');
		await expect(box).toBeFocused();
		await expect(box).toHaveAttribute('aria-invalid', 'true');
		await expect(box).toHaveAccessibleDescription('Write the addendum to add to the record.');
		const text = `The governors asked for the phonics review in writing (${Date.now()}).`;
		await box.fill(text);
		await expect(box).not.toHaveAttribute('aria-invalid');
		await syncPageLater(page);
		const section = page.getByRole('region', { name: 'Typing not saved' });
		const draft = section.getByRole('listitem');
		// The form it was typed in says "Add an addendum": so does the Sync page.
		await expect(draft.getByRole('heading')).toHaveText('An addendum to a visit record', {
			timeout: 45_000
		});
		await expect(draft.getByRole('term')).toHaveText('Addendum');
		await expect(draft.getByRole('definition')).toHaveText(text);
		await expect(draft.getByTestId('draft-open')).toContainText('still open to you');
		await draft.getByRole('button', { name: 'Discard…' }).click();
		await draft.getByRole('button', { name: 'Discard it' }).click();
		await expect(
			page.getByRole('status').filter({
				hasText: 'The typing in an addendum to a visit record was discarded.'
			})
		).toBeVisible();
		expect(await keptDrafts(page)).toEqual([]);
	} finally {
		await context.close();
	}
});

test('a new next step typed on the learning walk waits while the record is shared, as the walk page does', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	// A record of the SIL's still in draft, whose learning walk they start on this device.
	const { sil, head, id, path } = await newRecord(request, 'draft');
	const walkId = `walk:${id.slice('visit:'.length)}`;
	const walkPath = `school-${head.school}/${encodeURIComponent(walkId)}`;
	const { page, context } = await newDevice(browser);
	try {
		await signIn(page, sil);
		const walk = `/visits/${encodeURIComponent(id)}/walk`;
		await page.goto(walk);
		await page.getByRole('button', { name: 'Start the learning walk' }).click();
		const form = page.getByRole('heading', { name: 'Add a next step' });
		await expect(form).toBeVisible();
		const action = `Share the reading spine with the English lead (${Date.now()}).`;
		await page.getByLabel('Next step', { exact: true }).fill(action);

		// Shared with the head from the SIL's other device: the walk page, like the record's own,
		// no longer offers the form (a step added now would be agreed by the head's confirmation).
		const { body: now } = await serverGet<Record<string, unknown>>(request, path);
		await serverPut(request, path, {
			...now,
			status: 'shared',
			shared: { by: sil, at: new Date().toISOString() }
		});
		await expect(form).toHaveCount(0, { timeout: 30_000 });
		await expect(page.getByLabel('Next step', { exact: true })).toHaveCount(0);

		// The Sync page says the same: waiting, with its page, where it comes back once in draft.
		await syncPageLater(page);
		const draft = page.getByRole('region', { name: 'Typing not saved' }).getByRole('listitem');
		await expect(draft.getByRole('heading')).toHaveText('A new next step for a visit', {
			timeout: 45_000
		});
		await expect(draft.getByTestId('draft-waiting')).toContainText(
			'the record is shared with the headteacher; the form comes back if you take it back to draft'
		);
		await draft.getByRole('link', { name: 'Open its page' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Learning walk' })).toBeVisible();
		expect(new URL(page.url()).pathname).toBe(walk);
		await expect(form).toHaveCount(0);
		const { body: shared } = await serverGet<Record<string, unknown>>(request, path);
		await serverPut(request, path, { ...shared, status: 'draft', shared: undefined });
		await expect(page.getByLabel('Next step', { exact: true })).toHaveValue(action, {
			timeout: 30_000
		});
	} finally {
		await context.close();
		for (const p of [path, walkPath]) {
			const { body: last } = await serverGet<{ _rev?: string }>(request, p);
			if (last._rev) await serverDelete(request, p, last._rev);
		}
	}
});

test('the visit calendar keeps what is typed on the device until it is saved, and says so', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const { page, context } = await newDevice(browser);
	await signIn(page, E2E.admin);
	await page.goto('/admin/calendar');
	const state = page.getByTestId('save-state');
	const documents = page.locator('#documents-5');
	const was = await documents.inputValue();
	const tooLong = `Minutes of every governors’ meeting ${'and their papers '.repeat(12)}`.trim();

	// A line too long to save: said beside it, and kept on the device meanwhile.
	await documents.fill(`${was}\n${tooLong}`);
	await expect(state).toHaveText('! Not saved yet: Keep each line to 200 characters or fewer.');
	expect(await keptDrafts(page)).toEqual(['calendar']);
	await page.reload();
	await expect(documents).toHaveValue(`${was}\n${tooLong}`);
	await expect(page.getByTestId('calendar-kept')).toHaveText(
		'What you typed here before was kept on this device and is shown below.'
	);
	await expect(state).toHaveText('! Not saved yet: Keep each line to 200 characters or fewer.');

	// Left unsent, the Sync page names it and its box, and opens the form again.
	await syncPageLater(page);
	const draft = page.getByTestId('not-sent').getByRole('listitem');
	await expect(draft).toHaveCount(1);
	await expect(draft.getByRole('heading')).toHaveText('A change to the trust’s visit calendar');
	await expect(draft).toContainText('Term 6: Documents provided before the visit');
	await expect(draft.getByTestId('draft-open')).toBeVisible();
	await draft.getByRole('link', { name: 'Open the form' }).click();
	await expect(documents).toHaveValue(`${was}\n${tooLong}`);

	// Put right, it is saved and nothing is left kept.
	await documents.fill(was);
	await expect(state).toHaveText(/^[↻✓] Saved on this device/);
	await expect.poll(() => keptDrafts(page)).toEqual([]);
	await expectAllSent(page);
	await expect(state).toHaveText(/^✓ Saved on this device and sent to the trust at \d\d:\d\d$/);
	await page.reload();
	await expect(documents).toHaveValue(was);
	await expect(page.getByTestId('calendar-kept')).toHaveCount(0);
	await context.close();
});
