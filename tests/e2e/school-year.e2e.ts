import { expect, test } from '@playwright/test';
import { E2E } from './env.ts';
import {
	demoUsers,
	expectAllSent,
	makeAccount,
	newDevice,
	removeAccount,
	serverGet,
	signIn
} from './helpers.ts';

test('an administrator re-categorises a school; the CEO sees the allowance change and why', async ({
	browser,
	request
}) => {
	const { ceo } = await demoUsers(request);
	const desk = await newDevice(browser);
	await signIn(desk.page, ceo);
	await desk.page.goto('/schools/hawthorn');
	await expect(desk.page.getByTestId('allowance')).toHaveText('Up to 5 SI days a year');

	// An administrator with a full name on the trust's list of people, by which the change is named.
	const name = 'e2e-admin-priya';
	await makeAccount(request, { name, fullName: 'Priya Shah', roles: ['admin'] });
	const admin = await newDevice(browser);
	await signIn(admin.page, name);
	await admin.page.goto('/settings');
	await admin.page.getByRole('link', { name: /re-categorise/ }).click();
	await admin.page.getByRole('link', { name: 'Hawthorn Primary School' }).click();
	// The list has a Category of its own (adding a school): wait for the school's page to be drawn.
	await expect(
		admin.page.getByRole('heading', { level: 1, name: 'Hawthorn Primary School' })
	).toBeVisible();
	await admin.page.getByLabel('Category').selectOption('3');
	await admin.page.getByLabel('Corrective (support plan)').check();
	await admin.page.getByLabel('Carter stage').selectOption('stabilise');
	await admin.page.getByLabel('Takes effect from').fill('2026-11-20');
	await admin.page
		.getByLabel(/^Reason/)
		.first()
		.fill('Safeguarding concerns at the autumn review; the board agreed targeted support.');
	await admin.page.getByRole('button', { name: 'Record the change' }).click();
	await expect(admin.page.getByRole('status').filter({ hasText: 'was recorded' })).toBeVisible();
	await expect(admin.page.getByTestId('current-situation')).toContainText('up to 7 SI days a year');
	await expectAllSent(admin.page);

	// The CEO's open page follows the sync: the new allowance and the change with its reason.
	await expect(desk.page.getByTestId('allowance')).toHaveText('Up to 7 SI days a year', {
		timeout: 30_000
	});
	const history = desk.page.getByTestId('situation-history');
	await expect(history).toContainText('From 20 Nov 2026');
	await expect(history).toContainText('category 3 (Requires improvement), corrective strand');
	await expect(history).toContainText('Safeguarding concerns at the autumn review');
	// Named in full, as elsewhere, never by the user name.
	await expect(history).toContainText(/Recorded by Priya Shah on \d{1,2} \w{3} \d{4}/);
	await expect(history).not.toContainText(name);
	await admin.context.close();
	await desk.context.close();
	await removeAccount(request, name);
});

test('an administrator adds a school and closes it; its page says it is closed', async ({
	browser,
	request
}) => {
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/admin/schools');
	await admin.page.getByLabel('School name').fill('Elm Tree Primary School');
	await admin.page.getByLabel(/^URN/).fill('149008');
	await admin.page.getByLabel('Category').selectOption('2b');
	await admin.page.getByRole('button', { name: 'Add the school' }).click();
	await expect(admin.page.getByText('Elm Tree Primary School was added')).toBeVisible();
	await expectAllSent(admin.page);
	const db = await serverGet(request, 'school-elm-tree-primary-school');
	expect(db.status).toBe(200);
	// With the database of the copies sent to its chair of governors, who cannot read the school's.
	const copies = await serverGet<{ members: { roles: string[] } }>(
		request,
		'governors-elm-tree-primary-school/_security'
	);
	expect(copies.body.members.roles).toContain('governor:elm-tree-primary-school');

	await admin.page.getByRole('link', { name: 'Elm Tree Primary School' }).click();
	await admin.page.getByLabel('Closed on').fill('2026-11-24');
	await admin.page
		.getByLabel('Reason', { exact: true })
		.fill('Merged with Hawthorn Primary School');
	await admin.page.getByRole('button', { name: 'Close the school' }).click();
	await expect(admin.page.getByText('Its records are kept, read-only.').first()).toBeVisible();
	// The form has gone with the closing: the focus is on what was done, not on the page.
	await expect(
		admin.page.getByRole('status').filter({ hasText: 'The school was closed.' })
	).toBeFocused();
	await expectAllSent(admin.page);
	await admin.page.goto('/schools/elm-tree-primary-school');
	await expect(admin.page.getByText('Closed on 24 Nov 2026')).toBeVisible();
	// The closing reaches the trust's server with the next sync.
	await expect
		.poll(
			async () =>
				(
					await serverGet<{ closed?: { reason: string } }>(
						request,
						'trust/school:elm-tree-primary-school'
					)
				).body.closed?.reason,
			{ timeout: 30_000 }
		)
		.toBe('Merged with Hawthorn Primary School');

	// On the trust dashboard it is shown in the term it closed in, flagging nothing (no visit, SIL
	// or next step is due at a school that has closed), and not at all in the terms after.
	await admin.page.goto('/dashboard');
	const term = admin.page.getByLabel('Term', { exact: true });
	await term.selectOption('2');
	const elm = admin.page
		.getByTestId('dashboard-row')
		.filter({ hasText: 'Elm Tree Primary School' });
	await expect(elm).toContainText('Closed 24 Nov 2026');
	await expect(elm.getByTestId('attention')).toHaveText('Nothing flagged');
	await term.selectOption('3');
	await expect(admin.page.getByTestId('dashboard-row').first()).toBeVisible();
	await expect(elm).toHaveCount(0);

	// Its name stays its own: a new school cannot be added under it, and is told why.
	await admin.page.goto('/admin/schools');
	const form = admin.page.getByRole('form', { name: 'Add a school' });
	await form.getByLabel('School name').fill('Elm Tree Primary School');
	await form.getByRole('button', { name: 'Add the school' }).click();
	await expect(form.getByLabel('School name')).toHaveAccessibleDescription(
		/^Elm Tree Primary School is already in the trust\. It has closed/
	);
	await admin.context.close();
});

test('an administrator corrects a school’s name, URN and phase; other screens show the new name; closed, it sends governors no copy', async ({
	browser,
	request
}) => {
	const { ceo } = await demoUsers(request);
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/admin/schools');
	await admin.page.getByLabel('School name').fill('Rowan Primry School');
	await admin.page.getByLabel(/^URN/).fill('149013');
	await admin.page.getByRole('button', { name: 'Add the school' }).click();
	await expect(admin.page.getByText('Rowan Primry School was added')).toBeVisible();
	await expectAllSent(admin.page);

	const desk = await newDevice(browser);
	await signIn(desk.page, ceo);
	await desk.page.goto('/schools/rowan-primry-school');
	await expect(desk.page.getByRole('heading', { level: 1 })).toHaveText('Rowan Primry School');

	await admin.page.getByRole('link', { name: 'Rowan Primry School' }).click();
	const details = admin.page.getByRole('form', { name: 'Change the school’s details' });
	await expect(details.getByLabel('School name')).toHaveValue('Rowan Primry School');
	// The same checks as adding: another school's name is refused, naming it.
	await details.getByLabel('School name').fill('OAKFIELD primary school');
	await details.getByRole('button', { name: 'Save the details' }).click();
	await expect(details.getByLabel('School name')).toHaveAccessibleDescription(
		'Oakfield Primary School is already in the trust.'
	);
	await expect(details.getByLabel('School name')).toBeFocused();
	await details.getByLabel('School name').fill('Rowan Primary School');
	await details.getByLabel(/^URN/).fill('149014');
	await details.getByLabel('Phase').selectOption('all-through');
	await details.getByRole('button', { name: 'Save the details' }).click();
	await expect(admin.page.getByRole('status').filter({ hasText: 'were saved' })).toHaveText(
		'The details of Rowan Primary School were saved.'
	);
	// The form is drawn afresh from the saved school: the focus is on what was done, not the page.
	await expect(admin.page.getByRole('status').filter({ hasText: 'were saved' })).toBeFocused();
	await expect(admin.page.getByRole('heading', { level: 1 })).toHaveText('Rowan Primary School');
	await expect(details.getByLabel('School name')).toHaveValue('Rowan Primary School');
	await expect(admin.page).toHaveURL(/\/admin\/schools\/rowan-primry-school$/);
	await expectAllSent(admin.page);

	// The same school, its records where they were, under its corrected name.
	const stored = await serverGet<{ id: string; name: string; urn: string; phase: string }>(
		request,
		'trust/school:rowan-primry-school'
	);
	expect(stored.body).toMatchObject({
		id: 'rowan-primry-school',
		name: 'Rowan Primary School',
		urn: '149014',
		phase: 'all-through'
	});
	await expect(desk.page.getByRole('heading', { level: 1 })).toHaveText('Rowan Primary School', {
		timeout: 30_000
	});

	// Open, its governors' report offers the CEO to record a copy sent to the chair of governors.
	await desk.page.goto('/schools/rowan-primry-school/reports/governors');
	const recordCopy = desk.page.getByRole('button', { name: 'Record the copy sent' });
	await expect(recordCopy).toBeVisible();

	// Closed again, as the other tests found the trust.
	await admin.page.getByLabel('Closed on').fill('2026-11-25');
	await admin.page.getByLabel('Reason', { exact: true }).fill('Added for a test of corrections');
	await admin.page.getByRole('button', { name: 'Close the school' }).click();
	await expect(admin.page.getByText('Its records are kept, read-only.').first()).toBeVisible();
	await expectAllSent(admin.page);
	// Closed, it offers none (the server would refuse it), and says why.
	await expect(desk.page.getByTestId('copy-closed')).toHaveText(
		'This school has closed: its records are kept read-only, and no new copy can be sent to governors. The chair of governors can still read the copies sent before.',
		{ timeout: 30_000 }
	);
	await expect(recordCopy).toHaveCount(0);
	await admin.context.close();
	await desk.context.close();
});

interface StoredDoc {
	_id: string;
	type?: string;
	year?: string;
	nextStepId?: string;
	status?: string;
	at?: string;
	carriedOver?: { from: string; to: string }[];
}

test('an administrator creates the next year early; open next steps carry over once it begins', async ({
	browser,
	request
}) => {
	const { heads } = await demoUsers(request);
	const head = heads.find((h) => h.school === 'oakfield') ?? heads[0]!;
	const all = await serverGet<{ rows: { doc: StoredDoc }[] }>(
		request,
		`school-${head.school}/_all_docs?include_docs=true`
	);
	const docs = all.body.rows.map((r) => r.doc);
	const latest = new Map<string, StoredDoc>();
	for (const p of docs.filter((d) => d.type === 'progress-update')) {
		const seen = latest.get(p.nextStepId!);
		if (!seen || seen.at! < p.at!) latest.set(p.nextStepId!, p);
	}
	// A step under way this year: it has progress updates, and the latest is not "done".
	const step = docs.find(
		(d) =>
			d.type === 'next-step' && d.year === '2026-27' && latest.get(d._id)?.status === 'in-progress'
	);
	expect(step, 'the demo has a step in progress').toBeTruthy();

	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	await admin.page.goto('/settings');
	await admin.page.getByRole('link', { name: /create the next year/ }).click();
	await expect(admin.page.getByLabel('Autumn 1 starts')).toHaveValue('2027-09-01');
	// Dates out of order are refused, naming the term at fault; what is wrong is said above the
	// years, and the focus goes there rather than staying at the foot of the page.
	await admin.page.getByLabel('Autumn 1 starts').fill('2027-10-30');
	await admin.page.getByRole('button', { name: 'Create 2027-28' }).click();
	await expect(admin.page.getByRole('alert')).toHaveText(
		'Autumn 1 ends before it starts. Check the term dates.'
	);
	await expect(admin.page.getByRole('alert')).toBeFocused();
	await admin.page.getByLabel('Autumn 1 starts').fill('2027-09-02');
	await admin.page.getByRole('button', { name: 'Create 2027-28' }).click();
	await expect(admin.page.getByRole('status').filter({ hasText: 'was created' })).toHaveText(
		'2027-28 was created.'
	);
	// The form has gone: the focus is on what was done.
	await expect(admin.page.getByRole('status').filter({ hasText: 'was created' })).toBeFocused();
	// Next year's dates entered early move nothing: this year's steps stay until 2027-28 begins,
	// and 2028-29 is not offered while 2026-27 is under way.
	await expect(admin.page.getByTestId('carry-later')).toContainText(
		'2027-28 begins on 2 Sept 2027. From that day the next steps still open in 2026-27 can be carried over into it'
	);
	await expect(admin.page.getByRole('button', { name: /^Create/ })).toHaveCount(0);
	await expect(admin.page.getByRole('button', { name: /Carry/ })).toHaveCount(0);
	await expectAllSent(admin.page);

	const year = await serverGet<{ terms: { start: string }[] }>(request, 'trust/year:2027-28');
	expect(year.body.terms[0]!.start).toBe('2027-09-02');
	const path = `school-${head.school}/${encodeURIComponent(step!._id)}`;
	const kept = await serverGet<StoredDoc>(request, path);
	expect(kept.body.year).toBe('2026-27');
	expect(kept.body.carriedOver).toBeUndefined();

	// On the day 2027-28 begins, the steps still open are carried over, once confirmed.
	await admin.page.clock.setFixedTime(new Date('2027-09-02T09:00:00+01:00'));
	await admin.page.reload();
	const carry = admin.page.getByTestId('carry-over');
	await expect(carry).toContainText(/\d+ next steps? (is|are) still open in 2026-27/);
	const open = Number(/(\d+) next step/.exec((await carry.textContent()) ?? '')![1]);
	expect(open).toBeGreaterThan(0);
	const steps = open === 1 ? '1 open next step' : `${open} open next steps`;
	await carry.getByRole('button', { name: 'Carry them over into 2027-28…' }).click();
	await expect(carry.getByRole('alert')).toContainText(
		`Carry ${steps} from 2026-27 into 2027-28? Steps that are done stay in 2026-27.`
	);
	await carry.getByRole('button', { name: 'Carry them over', exact: true }).click();
	await expect(admin.page.getByRole('status').filter({ hasText: 'carried over' })).toHaveText(
		`${steps} ${open === 1 ? 'was' : 'were'} carried over from 2026-27 into 2027-28.`
	);
	// Nothing is left to carry twice; the year after is now offered.
	await expect(carry).toContainText('No next steps are still open in 2026-27');
	await expect(admin.page.getByRole('button', { name: 'Create 2028-29' })).toBeVisible();
	await expectAllSent(admin.page);

	const moved = await serverGet<StoredDoc>(request, path);
	expect(moved.body.year).toBe('2027-28');
	expect(moved.body.carriedOver).toMatchObject([{ from: '2026-27', to: '2027-28' }]);

	// The head sees the step carried over, its earlier progress still with it.
	const phone = await newDevice(browser, { width: 360, height: 740 });
	await signIn(phone.page, head.name);
	await phone.page.goto(`/next-steps/${encodeURIComponent(step!._id)}`);
	await expect(phone.page.getByTestId('carried-over')).toContainText('from 2026-27 into 2027-28');
	const history = phone.page.getByRole('region', { name: 'History' });
	await expect(history.getByRole('listitem').first()).toBeVisible();
	await admin.context.close();
	await phone.context.close();
});
