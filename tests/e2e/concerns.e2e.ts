import { expect, test } from '@playwright/test';
import {
	demoUsers,
	expectAllSent,
	newDevice,
	seriousA11yViolations,
	serverGet,
	signIn,
	summaryMarker
} from './helpers.ts';

// Issue 15: "SIAs will alert the CEO directly where concerns have been identified". The SIL raises
// a concern from a visit; the CEO sees it first on the dashboard, with the school flagged, records
// what was done and closes it; the record on the trust's server keeps the whole history.

type Doc = { _id: string; type: string; [k: string]: unknown };
type Rows = { rows: { id: string; doc: Doc }[] };

test('a SIL raises a concern from a visit; the CEO sees it first, records what was done and closes it', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const { sil, silSchools, ceo } = await demoUsers(request);
	// A school the SIL supports, not the demo's vulnerable one (it already has a concern), with a
	// visit that took place.
	const trust = await serverGet<Rows>(request, 'trust/_all_docs?include_docs=true');
	const schools = trust.body.rows
		.map((r) => r.doc)
		.filter((d) => d.type === 'school' && silSchools.includes(`school:${String(d.id)}`))
		.filter((d) => d.id !== 'st-aidans' && !d.closed);
	let found: { school: Doc; visit: Doc } | null = null;
	for (const school of schools) {
		const docs = await serverGet<Rows>(
			request,
			`school-${String(school.id)}/_all_docs?include_docs=true`
		);
		const visit = docs.body.rows
			.map((r) => r.doc)
			.find((d) => d.type === 'visit' && d.status !== 'planned' && d.visitor === sil);
		if (visit) {
			found = { school, visit };
			break;
		}
	}
	expect(found, 'a visit by the SIL that took place').not.toBeNull();
	const { school, visit } = found!;
	const schoolName = String(school.name);
	const title = `Safeguarding log not kept up to date ${Date.now().toString(36)}`;

	// The SIL, on the visit's record.
	const laptop = await newDevice(browser);
	await signIn(laptop.page, sil);
	await laptop.page.goto(`/visits/${encodeURIComponent(visit._id)}`);
	const raise = laptop.page.getByTestId('raise-concern');
	await raise.getByRole('button', { name: 'Raise a concern' }).click();
	// Nothing is sent half-filled: the missing parts are said, and focus goes to the message.
	await raise.getByRole('button', { name: 'Raise the concern' }).click();
	await expect(raise.getByRole('alert')).toHaveText(
		'Add a short title, what you saw and how serious it is.'
	);
	await expect(raise.getByRole('alert')).toBeFocused();
	await raise.getByLabel('Short title').fill(title);
	await raise
		.getByLabel('What you saw')
		.fill('Three concerns logged this half term have no recorded follow-up.');
	await raise.getByRole('radio', { name: 'Urgent: needs action now' }).check();
	await raise.getByRole('button', { name: 'Raise the concern' }).click();
	await expect(raise.getByRole('status')).toContainText('The concern is raised');
	await expect(raise.getByTestId('my-concern').filter({ hasText: title })).toContainText(
		'Open: Urgent: needs action now'
	);
	await expectAllSent(laptop.page);

	const onServer = async () => {
		const all = await serverGet<Rows>(request, 'concerns/_all_docs?include_docs=true');
		return all.body.rows.map((r) => r.doc).find((d) => d.title === title);
	};
	// The waiting count may not have seen the write yet when it says all is sent: ask the server.
	await expect.poll(onServer, { timeout: 30_000 }).toMatchObject({
		schoolId: school.id,
		visitId: visit._id,
		raisedBy: sil,
		level: 'urgent',
		actions: []
	});

	// The CEO: the new concern is the first thing on the dashboard, and the school is flagged.
	const desk = await newDevice(browser, { width: 1440, height: 900 });
	await signIn(desk.page, ceo);
	await desk.page.goto('/dashboard');
	const section = desk.page.getByTestId('trust-concerns');
	const first = section.getByTestId('concern').first();
	await expect(first.getByRole('heading', { level: 3 })).toHaveText(`${schoolName}: ${title}`);
	await expect(first).toContainText('Urgent: needs action now');
	await expect(first).toContainText('James Whitfield');
	await expect(first.getByRole('link', { name: /the visit on/ })).toBeVisible();
	// The concerns come before the heat map.
	const headings = await desk.page.getByRole('heading', { level: 2 }).allTextContents();
	expect(headings.indexOf('Concerns')).toBeLessThan(
		headings.indexOf('Trust heat map: evaluations')
	);
	expect(headings.indexOf('Concerns')).toBeGreaterThanOrEqual(0);
	const row = desk.page.getByTestId('dashboard-row').filter({ hasText: schoolName });
	await expect(row.getByTestId('attention')).toContainText('1 open concern');
	expect(await seriousA11yViolations(desk.page)).toEqual([]);

	// What was done, then closing it.
	await first.getByLabel('What was done').fill('Called the headteacher; DSL audit booked.');
	await first.getByRole('button', { name: 'Record what was done' }).click();
	await expect(first.getByTestId('concern-actions')).toContainText(
		'Called the headteacher; DSL audit booked.'
	);
	await expect(first.getByTestId('concern-actions')).toContainText('Dr Margaret Ellison');
	// The button that opens the form goes with it: the focus goes into the form, back to the button
	// on Cancel, and to what was done once the concern is closed and its card has moved away.
	const closeIt = first.getByRole('button', { name: 'Close the concern…' });
	await closeIt.click();
	await expect(first.getByLabel('Closed on')).toBeFocused();
	await first.getByRole('button', { name: 'Cancel' }).click();
	await expect(closeIt).toBeFocused();
	await closeIt.click();
	await first.getByLabel('Why it can be closed').fill('Audit done; the log is up to date.');
	await first.getByRole('button', { name: 'Close the concern', exact: true }).click();
	const said = section.getByTestId('concern-closed');
	await expect(said).toHaveText(
		`Closed: ${schoolName}: ${title}. It is kept, with what was done, under the closed concerns.`
	);
	await expect(said).toBeFocused();

	// Closed: no longer first nor flagged, and its history is kept.
	await expect(
		section.getByTestId('concern').first().getByRole('heading', { level: 3 })
	).not.toHaveText(`${schoolName}: ${title}`);
	await expect(row.getByTestId('attention')).not.toContainText('open concern');
	// The closed ones are folded away under a summary marked as one to open, and marked open once it is.
	const closedOnes = section.getByText(/^\d+ closed concerns?$/);
	const shut = await summaryMarker(closedOnes);
	expect(shut).not.toBeNull();
	await closedOnes.click();
	await expect
		.poll(async () => {
			const open = await summaryMarker(closedOnes);
			return open !== null && open !== shut;
		})
		.toBe(true);
	await expect(closedOnes.locator('xpath=..')).toHaveAttribute('open', '');
	const closed = section.getByTestId('concern').filter({ hasText: title });
	await expect(closed).toContainText('Closed');
	await expect(closed).toContainText('Audit done; the log is up to date.');
	await expect(closed.getByTestId('concern-actions')).toContainText('DSL audit booked');
	await expectAllSent(desk.page);
	await expect
		.poll(async () => {
			const doc = await onServer();
			return { actions: (doc?.actions as unknown[])?.length, closedBy: (doc?.closed as Doc)?.by };
		})
		.toEqual({ actions: 1, closedBy: ceo });

	// The SIL sees that the CEO closed it.
	await expect(raise.getByTestId('my-concern').filter({ hasText: title })).toContainText('Closed', {
		timeout: 45_000
	});
	await laptop.context.close();
	await desk.context.close();
});
