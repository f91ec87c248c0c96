import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
	demoUsers,
	horizontalOverflow,
	newDevice,
	screensFitBigText,
	serverGet,
	signIn
} from './helpers.ts';

// Found in the CEO's walk-through at stop 28: at 1280 px the heat map's last columns (next steps
// done, SI days) needed a sideways scroll, and choosing a term that has not begun flagged every
// school "No visit this term".

const DESK = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

type Term = { term: number; start: string; end: string };

/** The trust's academic year that holds today, as the server has it. */
async function currentYear(request: APIRequestContext) {
	const { body } = await serverGet<{
		rows: { doc: { type: string; year: string; terms: Term[] } }[];
	}>(request, 'trust/_all_docs?include_docs=true');
	const today = new Date().toISOString().slice(0, 10);
	const years = body.rows
		.map((r) => r.doc)
		.filter((d) => d.type === 'academic-year')
		.sort((a, b) => a.year.localeCompare(b.year));
	const year = years.filter((y) => y.terms[0]!.start <= today).pop() ?? years[0]!;
	return { year, today };
}

/** The dashboard with every school's records on the device (no row still loading). */
async function openDashboard(page: Page) {
	await page.goto('/dashboard');
	await expect(page.getByTestId('dashboard-row').first()).toBeVisible();
	await expect(
		page.getByTestId('dashboard-row').filter({ hasText: 'Loading this school' })
	).toHaveCount(0, { timeout: 30_000 });
	return page.getByRole('region', { name: /Latest evaluation agreed/ });
}

test('the heat map fits a 1280 px screen without a sideways scroll, and the page none at 360 px', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo } = await demoUsers(request);
	const { page, context } = await newDevice(browser, DESK);
	await signIn(page, ceo);
	const grid = await openDashboard(page);
	// Every column is there, as a real table's headings.
	const table = page.getByTestId('dashboard-grid');
	for (const name of ['School', 'For your attention', 'Safeguarding', 'Next steps done', 'SI days'])
		await expect(table.getByRole('columnheader', { name: new RegExp(`^${name}`) })).toBeVisible();
	const widths = () => grid.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
	const desk = await widths();
	expect(
		desk.scroll,
		`grid ${desk.scroll} px wide in a box of ${desk.client} px`
	).toBeLessThanOrEqual(desk.client);
	// The last column is inside the box, in view without scrolling.
	const box = (await grid.boundingBox())!;
	const last = (await table.getByRole('columnheader', { name: /^SI days/ }).boundingBox())!;
	expect(last.x + last.width).toBeLessThanOrEqual(box.x + box.width);

	// On a phone the grid scrolls inside its own box; the page does not scroll sideways.
	await page.setViewportSize(PHONE);
	await expect.poll(() => horizontalOverflow(page)).toBeLessThanOrEqual(0);
	const phone = await widths();
	expect(phone.client).toBeLessThanOrEqual(PHONE.width);
	// Each table's caption wraps inside the box that scrolls, and stays there while it scrolls:
	// read in full, not cut off mid-word at the edge.
	for (const caption of await page.locator('.table-scroll caption').all()) {
		const region = caption.locator('xpath=ancestor::div[contains(@class, "table-scroll")][1]');
		await region.evaluate((el) => (el.scrollLeft = el.scrollWidth));
		const inside = await caption.evaluate((el) => {
			const c = el.getBoundingClientRect();
			const r = el.closest('.table-scroll')!.getBoundingClientRect();
			return {
				text: el.textContent!.trim().slice(0, 40),
				left: c.left - r.left,
				right: r.right - c.right
			};
		});
		expect(inside.left, inside.text).toBeGreaterThanOrEqual(0);
		expect(inside.right, inside.text).toBeGreaterThanOrEqual(0);
	}
	await context.close();
});

test('a term that has not begun flags no school for a missing visit', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo } = await demoUsers(request);
	const { year, today } = await currentYear(request);
	// The first term still to come; in the year's last term, the device's clock is put back to the
	// day before it began, so that there is always a term to come.
	const future = year.terms.find((t) => t.start > today) ?? year.terms.at(-1)!;
	const { page, context } = await newDevice(browser, DESK);
	await signIn(page, ceo);
	if (future.start <= today) {
		const dayBefore = new Date(`${future.start}T12:00:00Z`);
		dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
		await page.clock.setFixedTime(dayBefore);
	}
	await openDashboard(page);
	const termSelect = page.getByRole('combobox', { name: 'Term', exact: true });
	await termSelect.selectOption(String(future.term));
	// The line above the filters names the chosen term once the grid is drawn for it: the option
	// "Spring 1, 2026-27" as "Spring 1 (term 3), 2026-27", the trust's name and the seeds' number.
	const label = (await termSelect.locator('option:checked').innerText()).trim();
	const [name, yearName] = label.split(', ');
	await expect(page.getByText(`${name} (term ${future.term}), ${yearName}, as at`)).toBeVisible();
	const attention = page.getByTestId('dashboard-row').getByTestId('attention');
	await expect(attention.first()).toBeVisible();
	for (const text of await attention.allInnerTexts()) expect(text).not.toMatch(/No visit/);
	// The page says why.
	await expect(page.getByText(/This term begins on .*: no school is flagged/)).toBeVisible();
	await context.close();
});

test('at 360 px the key figures scroll as a named region, and a heading sorted by keyboard stays in sight', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { ceo } = await demoUsers(request);
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, ceo);
	const grid = await openDashboard(page);
	// The key figures: a region named by its caption, a stop for the keyboard while it scrolls.
	const figures = page.getByRole('region', { name: /^All pupils, latest figure this year/ });
	await expect(figures).toBeVisible();
	expect(await figures.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
	await expect(figures).toHaveAttribute('tabindex', '0');

	// Each column's heading, sorted with the keyboard, is wholly inside the box that scrolls.
	const buttons = grid.getByRole('columnheader').getByRole('button');
	const count = await buttons.count();
	expect(count).toBeGreaterThan(3);
	for (let i = 0; i < count; i++) {
		const button = buttons.nth(i);
		await button.focus();
		await page.keyboard.press('Enter');
		await expect(button).toBeFocused();
		const name = (await button.textContent())!.trim();
		await expect
			.poll(async () => {
				const b = (await button.boundingBox())!;
				const r = (await grid.boundingBox())!;
				return b.x >= r.x - 1 && b.x + b.width <= r.x + r.width + 1;
			}, `"${name}" in sight`)
			.toBe(true);
	}
	await context.close();
});

test('at 200 % text on a phone the CEO’s screens fit: no sideways scroll, nothing cut', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { ceo } = await demoUsers(request);
	// The demo's vulnerable school, with the open concern; and one to mark vulnerable.
	const concerned = 'st-aidans';
	const { body } = await serverGet<{ rows: { doc: { type: string; id: string } }[] }>(
		request,
		'trust/_all_docs?include_docs=true'
	);
	const other = body.rows.map((r) => r.doc).find((d) => d.type === 'school' && d.id !== concerned)!;
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, ceo);
	await openDashboard(page);
	// Each screen with what opens on it: the concern's form to close it (its "Closed on" box beside
	// the "Done on" one), and the form to mark a school vulnerable.
	await screensFitBigText(page, [
		[
			'/dashboard',
			/Trust dashboard/,
			() => page.getByRole('button', { name: 'Close the concern…' }).first().click()
		],
		[`/schools/${concerned}/overview`, /School overview/, null],
		[
			`/schools/${other.id}/overview`,
			/School overview/,
			() => page.getByRole('button', { name: 'Mark the school vulnerable' }).click()
		],
		[`/schools/${concerned}`, /./, null],
		['/reports/board', /Board pack/, null],
		[`/schools/${concerned}/reports/lgb/2`, /Termly summary/, null],
		[`/schools/${concerned}/reports/governors`, /Summary of school/, null],
		['/choices', /./, null],
		['/sync', /./, null],
		['/settings', /./, null]
	]);
	await context.close();
});
