import {
	expect,
	test,
	type APIRequestContext,
	type Browser,
	type BrowserContext
} from '@playwright/test';
import {
	demoUsers,
	expectAllSent,
	newDevice,
	offlineHere,
	planVisit,
	samplePhoto,
	serverGet,
	signIn
} from './helpers.ts';

test('a SIL completes a visit offline from a cold start; it reaches the trust and the head', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { sil, heads } = await demoUsers(request);
	const head = heads[0]!;
	const silDevice = await newDevice(browser, { width: 1024, height: 768 });
	await signIn(silDevice.page, sil);

	// The network is off from here until the record is shared, and the app starts cold.
	await silDevice.context.setOffline(true);
	await silDevice.page.close();
	const page = await silDevice.context.newPage();
	await page.goto(`/schools/${head.school}`);
	const online = await offlineHere(page);
	await expect(page.getByTestId('sync-status')).toContainText('Offline');

	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await expect(page.getByText(/^The trust’s calendar for \w+ \d \(term \d\)$/)).toBeVisible();
	// In the calendar's words (DOMAIN.md, "possible joint activities"), as the calendar's page has them.
	await expect(page.getByText('Possible joint activities:', { exact: true })).toBeVisible();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();

	// The booklet: who attended, documents, discussion, evaluations.
	await page.getByRole('button', { name: 'Add a person' }).click();
	await page.getByLabel('Name').first().fill('Headteacher');
	await page.getByLabel('Role').first().fill('Headteacher');
	await page.getByRole('checkbox').first().check();
	// Pressed with the box empty, "Add area" says what it needs beside the box, and goes there.
	const newArea = page.getByLabel('Add a discussion area');
	await page.getByRole('button', { name: 'Add area' }).focus();
	await page.keyboard.press('Enter');
	await expect(newArea).toBeFocused();
	await expect(newArea).toHaveAttribute('aria-invalid', 'true');
	await expect(newArea).toHaveAccessibleDescription('Type the name of the area first.');
	await newArea.fill('Reading');
	await expect(newArea).not.toHaveAttribute('aria-invalid');
	await page.getByRole('button', { name: 'Add area' }).click();
	await page.getByLabel('Evidence').fill('Heard year 2 readers; reading records checked');
	await page.getByLabel('Strengths').fill('Fluent decoding across year 2');
	await page.getByLabel('Areas for development').fill('Comprehension questioning in KS2');
	// Grades typed before the head confirms are proposed, as the record reads once shared.
	await expect(page.getByRole('heading', { name: 'Evaluations proposed' })).toBeVisible();
	await expect(
		page.getByText('they count as agreed once the headteacher confirms the record')
	).toBeVisible();
	await page.getByLabel('Achievement').selectOption({ label: 'Strong standard' });
	await page.getByLabel('Met', { exact: true }).check();
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');

	await page
		.getByLabel('Next step', { exact: true })
		.fill('Train KS2 staff in comprehension questioning');
	await page.getByLabel(/^Owner/).fill('English lead');
	await page.getByLabel('Due date').fill('2027-02-12');
	await expect(page.getByLabel('Due date')).toHaveAccessibleDescription('Friday 12 February 2027');
	await page.getByLabel('Success criteria').fill('Questioning seen in every KS2 class');
	await page.getByRole('button', { name: 'Add next step' }).click();
	await expect(page.getByTestId('visit-next-step')).toContainText(
		'Train KS2 staff in comprehension questioning'
	);

	// The learning walk, with a photo of pupils' work resized on the device.
	await page.getByRole('link', { name: /^Learning walk/ }).click();
	// The button pressed goes as the walk opens: the focus goes to the walk, not to the page.
	await page.getByRole('button', { name: 'Start the learning walk' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: 'Look-fors' })).toBeFocused();
	// An empty look-for is not added in silence: the box says what it needs, and has the focus.
	const newLookFor = page.getByLabel('Add a look-for');
	await page.getByRole('button', { name: 'Add', exact: true }).focus();
	await page.keyboard.press('Enter');
	await expect(newLookFor).toBeFocused();
	await expect(newLookFor).toHaveAttribute('aria-invalid', 'true');
	await expect(newLookFor).toHaveAccessibleDescription('Type what to look for first.');
	// Nor is one already listed, in whatever case and with whatever spaces: the box says so.
	await newLookFor.fill('  vocabulary TAUGHT and modelled ');
	await page.getByRole('button', { name: 'Add', exact: true }).focus();
	await page.keyboard.press('Enter');
	await expect(newLookFor).toBeFocused();
	await expect(newLookFor).toHaveAttribute('aria-invalid', 'true');
	await expect(newLookFor).toHaveAccessibleDescription(
		'“Vocabulary taught and modelled” is already in the list.'
	);
	await expect(page.getByRole('button', { name: /^Remove look-for vocabulary/i })).toHaveCount(1);
	await newLookFor.fill('');
	await page.getByRole('button', { name: 'Add a room' }).click();
	await page.getByLabel('Class or year group').fill('Year 4');
	await page.getByLabel('Subject').fill('Maths');
	const lookFor = page
		.getByTestId('room')
		.getByRole('button', { name: 'Vocabulary taught and modelled' });
	await lookFor.click();
	await expect(lookFor).toHaveAttribute('aria-pressed', 'true');
	await page.getByLabel('Strengths').fill('Confident use of place value language');
	await page.locator('input[type=file]').setInputFiles({
		name: 'work.png',
		mimeType: 'image/png',
		buffer: samplePhoto()
	});
	await expect(page.getByRole('img', { name: /Pupils’ work, room 1, photo 1/ })).toBeVisible();
	const room = page.getByTestId('room');
	// What was added is said beside the button; a file that is not a picture is refused in words.
	await expect(room.getByRole('status').filter({ hasText: 'added' })).toHaveText('Photo 1 added.');
	await page.locator('input[type=file]').setInputFiles({
		name: 'minutes.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('Not a photo')
	});
	await expect(room.getByRole('alert')).toHaveText(
		'“minutes.txt” could not be added. It is not a picture this device can open: choose a photo, such as a JPEG.'
	);
	await expect(page.locator('input[type=file]')).toHaveAccessibleDescription(/minutes\.txt/);
	await expect(room.getByRole('img')).toHaveCount(1);
	// A photo removed and brought back: the focus returns to it, not to the page.
	const removePhoto = room.getByRole('button', { name: 'Remove photo 1' });
	await removePhoto.click();
	await expect(page.getByRole('button', { name: 'Undo' })).toBeFocused();
	// "Photo 1 added." is no longer true of the room's photos.
	await expect(room.getByRole('status').filter({ hasText: 'added' })).toHaveCount(0);
	// In forced colours the notice keeps an edge: its dark background and shadow are gone, and
	// without one it would read as part of the page it floats over.
	await page.emulateMedia({ forcedColors: 'active' });
	const edge = await page.getByTestId('undo').evaluate((el) => {
		const s = getComputedStyle(el);
		return { width: s.borderTopWidth, colour: s.borderTopColor, behind: s.backgroundColor };
	});
	expect(edge.width).not.toBe('0px');
	expect(edge.colour).not.toBe(edge.behind);
	await page.emulateMedia({ forcedColors: 'none' });
	await page.keyboard.press('Enter');
	await expect(room.getByRole('img', { name: /photo 1/ })).toBeVisible();
	await expect(removePhoto).toBeFocused();
	// A look-for likewise.
	const removeLookFor = page.getByRole('button', {
		name: 'Remove look-for Clear learning intentions'
	});
	await removeLookFor.click();
	await expect(page.getByRole('button', { name: 'Undo' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(removeLookFor).toBeFocused();
	await page.getByLabel('What the walk showed').fill('Maths vocabulary is strong in year 4');
	await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');

	await page.getByRole('link', { name: /visit on/ }).click();
	await page.getByRole('button', { name: 'Share with the headteacher' }).click();
	await expect(
		page.getByText('Shared with the headteacher, waiting for their confirmation.')
	).toBeVisible();
	// The button has gone: the focus is on what it did, which offline is not yet shared.
	const shared = page.getByTestId('visit-action-done');
	await expect(shared).toHaveText(
		'Saved on this device. It is shared with the headteacher when the trust can be reached.'
	);
	await expect(shared).toBeFocused();
	await expect(page.getByTestId('sync-status')).toContainText('changes waiting');
	const visitId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

	// Back online: everything reaches the trust.
	await online();
	await silDevice.context.setOffline(false);
	await expectAllSent(page);
	await expect(shared).toHaveText('Shared with the headteacher.');
	const db = `school-${head.school}`;
	await expect
		.poll(
			async () => (await serverGet<{ status?: string }>(request, `${db}/${visitId}`)).body.status
		)
		.toBe('shared');
	const walk = await serverGet<{ _attachments?: Record<string, { content_type: string }> }>(
		request,
		`${db}/${encodeURIComponent(`walk:${visitId.slice('visit:'.length)}`)}`
	);
	expect(Object.values(walk.body._attachments ?? {})[0]?.content_type).toBe('image/jpeg');

	// The head's phone shows the shared record, and the head confirms it.
	const headDevice = await newDevice(browser, { width: 360, height: 740 });
	await signIn(headDevice.page, head.name);
	await expect(
		headDevice.page.getByText('Train KS2 staff in comprehension questioning')
	).toBeVisible();
	await headDevice.page.goto(`/visits/${encodeURIComponent(visitId)}`);
	await expect(headDevice.page.getByText('Comprehension questioning in KS2')).toBeVisible();
	await headDevice.page.getByLabel('Comment (optional)').fill('A fair record of the day');
	await headDevice.page.getByRole('button', { name: 'Confirm the record' }).click();
	await expect(headDevice.page.getByText('the record is confirmed')).toBeVisible();
	await expect(headDevice.page.getByTestId('visit-action-done')).toBeFocused();
	await expect(page.getByText('✓ Confirmed by the headteacher. The record is locked')).toBeVisible({
		timeout: 15_000
	});
	await headDevice.context.close();
	await silDevice.context.close();
});

/** The SIL, signed in on a device of their own, on a new booklet planned for the first head's school. */
async function newBookletAsSil(browser: Browser, request: APIRequestContext) {
	const { sil, heads } = await demoUsers(request);
	const { page, context } = await newDevice(browser);
	await signIn(page, sil);
	await page.goto(`/schools/${heads[0]!.school}/plan`);
	await planVisit(page);
	await expect(page.getByRole('heading', { level: 1, name: /^SI visit, / })).toBeVisible();
	return { page, context, heads };
}

test('a person added with no name waits beside their row; the rest of the booklet is saved and sent', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { page, context, heads } = await newBookletAsSil(browser, request);
	const visitId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
	await page.getByLabel('Add a discussion area').fill('Behaviour and attendance');
	await page.getByRole('button', { name: 'Add area' }).click();

	await context.setOffline(true);
	const online = await offlineHere(page);
	await page.getByRole('button', { name: 'Add a person' }).click();
	const name = page.getByLabel('Name', { exact: true });
	await expect(name).toBeFocused();
	await page.getByLabel('Strengths').fill('Attendance of disadvantaged pupils up 3 points');
	// A row just added and still empty holds no typing: nothing is said to be "not saved" yet.
	await expect(page.getByTestId('save-state')).toHaveText(
		'○ Saved on this device. It is sent when the trust can be reached.'
	);
	await expect(name).not.toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('sync-status')).not.toContainText('not saved');
	// Once something is typed in the row, its missing name is said.
	await page.getByLabel('Role', { exact: true }).fill('SENCo');
	// Said beside the row and in the save state: the rest is saved, this person is not yet.
	await expect(name).toHaveAttribute('aria-invalid', 'true');
	await expect(name).toHaveAccessibleDescription(/^Enter the person’s name\. Until then/);
	await expect(page.getByTestId('save-state')).toHaveText(
		'! The rest is saved on this device. Not saved yet: Enter the person’s name.'
	);
	await expect(page.getByTestId('sync-status')).toContainText('typing in 1 record not saved');

	await online();
	await context.setOffline(false);
	const db = `school-${heads[0]!.school}`;
	type Booklet = { discussion: { strengths: string }[]; attendees: { name: string }[] };
	await expect
		.poll(async () => (await serverGet<Booklet>(request, `${db}/${visitId}`)).body.discussion)
		.toEqual([
			expect.objectContaining({ strengths: 'Attendance of disadvantaged pupils up 3 points' })
		]);
	// Sent, all but the person with no name: no status says everything is.
	await expect(page.getByTestId('sync-status')).toContainText('Typing in 1 record not saved');
	await expect(page.getByTestId('save-state')).toContainText(
		'Not saved yet: Enter the person’s name.'
	);
	await expect(page.getByTestId('save-state')).not.toContainText('sent');
	await page.getByTestId('sync-status').click();
	await expect(page.getByRole('heading', { name: 'Typing not saved' })).toBeVisible();
	await expect(
		page.getByText('Everything saved on this device has reached the trust.')
	).toBeVisible();
	await expect(page.getByText('Everything changed on this device has reached')).toHaveCount(0);

	// Back on the booklet the row is there still; once named, the person is saved and sent too.
	await page.goBack();
	await page.getByLabel('Name', { exact: true }).fill('Mrs Patel');
	await expect(page.getByTestId('save-state')).toHaveText(/^[✓↻] Saved on this device/);
	await expectAllSent(page);
	await expect(page.getByTestId('save-state')).toContainText('sent to the trust at');
	await expect
		.poll(async () => (await serverGet<Booklet>(request, `${db}/${visitId}`)).body.attendees)
		.toEqual([expect.objectContaining({ name: 'Mrs Patel' })]);
	await context.close();
});

test('an editor has one save line, which says where the record stands with the trust', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { page, context } = await newBookletAsSil(browser, request);
	await expectAllSent(page);
	const line = page.getByTestId('save-state');
	// Said once, in one live region: no second line beside it says "saved" again.
	const saidSaved = page.locator('main').getByText(/saved on this device/i);
	await page.getByLabel('Focus of the visit').fill('Reading in year 3');
	await expect(line).toContainText('Saved on this device');
	await expect(page.getByTestId('record-state')).toHaveCount(0);
	await expect(saidSaved).toHaveCount(1);
	await expect(line).toContainText(/^✓ Saved on this device and sent to the trust at \d/);

	// Offline: saved here, and said to wait for the trust, in the same line.
	await context.setOffline(true);
	const online = await offlineHere(page);
	await page.getByLabel('Focus of the visit').fill('Reading in year 3, typed offline');
	await expect(line).toHaveText(
		'○ Saved on this device. It is sent when the trust can be reached.'
	);
	await expect(saidSaved).toHaveCount(1);
	await expect(
		page.locator('main').locator('[aria-live], [role=status]').filter({ hasText: /saved/i })
	).toHaveCount(1);

	// Back online: the same line says when the trust had it.
	await online();
	await context.setOffline(false);
	await expectAllSent(page);
	await expect(line).toContainText(/^✓ Saved on this device and sent to the trust at \d/);

	// The learning walk's editor too.
	await page.getByRole('link', { name: /^Learning walk/ }).click();
	await page.getByRole('button', { name: 'Start the learning walk' }).click();
	await page.getByRole('button', { name: 'Add a room' }).click();
	await page.getByLabel('Subject').fill('Maths');
	await expect(line).toContainText(/Saved on this device/);
	await expect(page.getByTestId('record-state')).toHaveCount(0);
	await expect(saidSaved).toHaveCount(1);
	await context.close();
});

/** Holds every batch a device sends the trust until `release` is called: the trust is in reach, slow. */
async function holdSends(context: BrowserContext) {
	let release!: () => void;
	const held = new Promise<void>((r) => (release = r));
	await context.route('**/couchdb/*/_bulk_docs', async (route) => {
		await held;
		// The replicator may have given up on a request held this long and sent it again: that one
		// is ended already, and its copy goes through.
		await route.continue().catch(() => undefined);
	});
	return async () => {
		release();
		await context.unroute('**/couchdb/*/_bulk_docs');
	};
}

test('sharing and confirming say "shared" and "confirmed" only once the trust has the record', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const { page, context, heads } = await newBookletAsSil(browser, request);
	const visitId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
	await expectAllSent(page);

	// The trust can be reached when "Share" is pressed, but takes what is sent only later.
	let release = await holdSends(context);
	await page.getByRole('button', { name: 'Share with the headteacher' }).click();
	const shared = page.getByTestId('visit-action-done');
	await expect(shared).toHaveText(
		'Saved on this device. It is shared with the headteacher once the trust has it.'
	);
	await expect(shared).toBeFocused();
	await expect(page.getByTestId('record-state')).toContainText('Waiting to send');
	// The person moves on; the notice changing later does not take the focus back.
	const print = page.getByRole('link', { name: 'Print view' });
	await print.focus();
	await release();
	await expect(shared).toHaveText('Shared with the headteacher.');
	await expect(page.getByTestId('record-state')).toContainText('Sent to the trust at');
	await expect(print).toBeFocused();

	// The head confirms the same way.
	const head = await newDevice(browser, { width: 360, height: 740 });
	await signIn(head.page, heads[0]!.name);
	await head.page.goto(`/visits/${encodeURIComponent(visitId)}`);
	const confirm = head.page.getByRole('button', { name: 'Confirm the record' });
	await expect(confirm).toBeEnabled();
	release = await holdSends(head.context);
	await confirm.click();
	const confirmed = head.page.getByTestId('visit-action-done');
	await expect(confirmed).toHaveText(
		'Thank you: the record is confirmed on this device. James Whitfield sees it once the trust has it.'
	);
	await expect(confirmed).toBeFocused();
	await release();
	await expect(confirmed).toHaveText('Thank you: the record is confirmed.');
	await expect(confirmed).toBeFocused();
	await head.context.close();
	await context.close();
});

test('a next step added with words missing says beside each field what it needs, and focuses the first', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { page, context } = await newBookletAsSil(browser, request);

	const action = page.getByLabel('Next step', { exact: true });
	const owner = page.getByLabel(/^Owner/);
	const due = page.getByLabel('Due date');
	await page.getByRole('button', { name: 'Add next step' }).click();
	await expect(action).toBeFocused();
	await expect(action).toHaveAttribute('aria-invalid', 'true');
	await expect(action).toHaveAccessibleDescription('Say what the next step is');
	await expect(owner).toHaveAccessibleDescription('Say who owns this next step');
	await expect(due).toHaveAccessibleDescription(/^Give a due date or choose a term/);
	// No place in the record is shown as a message.
	await expect(page.getByText(/owner:|dueDate|action:/)).toHaveCount(0);

	// Each field stops asking once filled; the focus goes to the first still missing.
	await action.fill('Model comprehension questioning in year 5');
	await expect(action).not.toHaveAttribute('aria-invalid');
	await page.getByRole('button', { name: 'Add next step' }).click();
	await expect(owner).toBeFocused();
	await owner.fill('English lead');
	await page.getByLabel('or by the end of term').selectOption({ label: 'Spring 1' });
	await page.getByRole('button', { name: 'Add next step' }).click();
	await expect(page.getByTestId('visit-next-step')).toContainText(
		'Model comprehension questioning in year 5'
	);
	await expect(page.getByTestId('field-problem')).toHaveCount(0);
	await context.close();
});

test('a record of a visit still to come is shared from the day of the visit, not before', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, heads } = await demoUsers(request);
	const { page, context } = await newDevice(browser);
	await signIn(page, sil);
	await page.goto(`/schools/${heads[0]!.school}/plan`);
	const soon = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
	await page.getByLabel('Date').fill(soon);
	await planVisit(page);
	await expect(page.getByRole('heading', { level: 1, name: /^SI visit, / })).toBeVisible();
	await expect(page.getByTestId('share-waits')).toContainText(
		'share the record with the headteacher from that day'
	);
	await expect(page.getByRole('button', { name: 'Share with the headteacher' })).toHaveCount(0);
	await context.close();
});

test('planning a visit for a day the school is closed says so, without refusing it', async ({
	page,
	request
}) => {
	const { sil, heads } = await demoUsers(request);
	await signIn(page, sil);
	await page.goto(`/schools/${heads[0]!.school}/plan`);
	const date = page.getByLabel('Date');
	await expect(page.getByRole('heading', { level: 1, name: 'Plan a visit' })).toBeVisible();

	// Christmas Day: the school is on holiday, and a visit then is for the term ahead (`termOf`).
	const term = page.getByLabel('Term', { exact: true });
	await date.fill('2026-12-25');
	await expect(date).toHaveAccessibleDescription(
		'Friday 25 December 2026 is in the school holiday between Autumn 2 and Spring 1.'
	);
	await expect(term).toHaveValue('3');
	await date.fill('2026-10-28');
	await expect(date).toHaveAccessibleDescription(
		'Wednesday 28 October 2026 is in the school holiday between Autumn 1 and Autumn 2.'
	);
	await expect(term).toHaveValue('2');
	await date.fill('2026-11-28');
	await expect(date).toHaveAccessibleDescription('Saturday 28 November 2026 is at the weekend.');
	await expect(page.getByRole('button', { name: 'Plan the visit' })).toBeEnabled();
	// A school day: the date is read back in words under the field, whatever the browser's
	// language writes in the field itself (12/01/2026 in American English).
	await date.fill('2026-12-01');
	await expect(date).toHaveAccessibleDescription('Tuesday 1 December 2026');
	await expect(page.getByText('Tuesday 1 December 2026')).toBeVisible();

	// The summer holiday before the year's first term: a visit then prepares for that term.
	await date.fill('2026-08-20');
	await expect(date).toHaveAccessibleDescription(
		'Thursday 20 August 2026 is in the summer holiday before Autumn 1.'
	);
	await expect(term).toHaveValue('1');
	// The summer after the last year the trust has set (other tests may have added one): its
	// successor's dates are not set, so the visit is not filed in the year just ended; it is
	// refused, saying why and who can put it right.
	const { body } = await serverGet<{ rows: { doc: { year: string; terms: { end: string }[] } }[] }>(
		request,
		'trust/_all_docs?startkey="year:"&endkey="year:\ufff0"&include_docs=true'
	);
	const last = body.rows
		.map((r) => r.doc)
		.sort((x, y) => x.year.localeCompare(y.year))
		.at(-1)!;
	const end = new Date(`${last.terms.at(-1)!.end}T00:00:00Z`);
	const summer = new Date(end.getTime() + 20 * 86_400_000).toISOString().slice(0, 10);
	const start = Number(last.year.slice(0, 4)) + 1;
	const missing = `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
	await date.fill(summer);
	await expect(date).toHaveAccessibleDescription(
		new RegExp(`^The dates of ${missing} are not on this device yet`)
	);
	const beyond = page.getByTestId('beyond-allowance');
	if ((await beyond.count()) > 0) await beyond.getByRole('radio').first().check();
	await page.getByRole('button', { name: 'Plan the visit' }).click();
	await expect(page.getByRole('alert')).toContainText(
		'An administrator adds them under Academic years'
	);
	await expect(page.getByRole('heading', { level: 1, name: 'Plan a visit' })).toBeVisible();

	// A school day in term: nothing to say but the day.
	await date.fill('2026-11-23');
	await expect(page.getByText(/at the weekend|school holiday/)).toHaveCount(0);
	await expect(date).toHaveAccessibleDescription('Monday 23 November 2026');
});
