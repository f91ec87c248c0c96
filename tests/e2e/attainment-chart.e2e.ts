import { expect, test, type Page } from '@playwright/test';
import {
	chartEndLabels,
	demoUsers,
	horizontalOverflow,
	newDevice,
	signIn,
	summaryMarker
} from './helpers.ts';

// Found in the SIL's walk-through at stop 28: the A&A chart's last axis label ("End of year") was
// cut off at the chart's right edge. Every label of every chart lies inside its SVG, and so does the
// name at the end of each line, clear of the others.

/** Each chart's text that pokes out of its SVG, by how far, in CSS pixels. */
function outside(page: Page) {
	return page.locator('figure svg[role=img]').evaluateAll((svgs) =>
		svgs.flatMap((svg) => {
			const box = svg.getBoundingClientRect();
			return [...svg.querySelectorAll('text')].flatMap((t) => {
				const r = t.getBoundingClientRect();
				const over = Math.max(
					box.left - r.left,
					r.right - box.right,
					box.top - r.top,
					r.bottom - box.bottom
				);
				return over > 0.5 ? [`"${t.textContent}" by ${over.toFixed(1)} px`] : [];
			});
		})
	);
}

for (const viewport of [
	{ width: 1280, height: 800 },
	{ width: 360, height: 740 }
]) {
	test(`every axis label and line’s name of the A&A chart shows at ${viewport.width} px`, async ({
		browser,
		request
	}) => {
		const { sil, silSchools } = await demoUsers(request);
		const school = silSchools.find((r) => r.startsWith('school:'))!.slice('school:'.length);
		const { page, context } = await newDevice(browser, viewport);
		await signIn(page, sil);
		await page.goto(`/schools/${school}/attainment`);
		const chart = page.locator('figure svg[role=img]').first();
		await expect(chart).toBeVisible();
		// The framework's assessment points, the last one included, are on the axis.
		await expect(chart).toContainText('End of year');
		await chart.scrollIntoViewIfNeeded();
		expect(await outside(page)).toEqual([]);
		// Each line is named at its end, inside the chart, the names clear of each other: every
		// series with a figure, and only those.
		for (const figure of await page.locator('figure:has(svg[role=img])').all()) {
			const { names, problems } = await chartEndLabels(figure);
			expect(problems).toEqual([]);
			const known = await figure
				.locator('tbody tr')
				.evaluateAll((rows) =>
					rows
						.filter((r) => [...r.querySelectorAll('td')].some((td) => /\d/.test(td.textContent!)))
						.map((r) => r.querySelector('th')!.textContent!.trim())
				);
			expect(names.toSorted()).toEqual(known.toSorted());
			expect(names.length).toBeGreaterThan(0);
		}
		await context.close();
	});
}

test('at 360 px the chart as a table scrolls in its own box, under a summary marked as one to open', async ({
	browser,
	request
}) => {
	const { sil, silSchools } = await demoUsers(request);
	const school = silSchools.find((r) => r.startsWith('school:'))!.slice('school:'.length);
	const { page, context } = await newDevice(browser, { width: 360, height: 740 });
	await signIn(page, sil);
	await page.goto(`/schools/${school}/attainment`);
	const summary = page.getByText('Show the chart as a table').first();
	await expect(summary).toBeVisible();
	// A marker (the triangle a summary shows) says it opens.
	expect(await summaryMarker(summary)).not.toBeNull();
	await summary.click();
	const table = page.getByRole('region', { name: /chart as a table/ }).first();
	await expect(table.getByRole('table')).toBeVisible();
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	// The menu bar along the bottom stays on the screen.
	const bar = (await page.getByRole('navigation', { name: 'Main' }).boundingBox())!;
	expect(bar.x).toBeGreaterThanOrEqual(0);
	expect(bar.x + bar.width).toBeLessThanOrEqual(360);
	// Each table too wide for the phone scrolls in a box whose edge shows: a column cut at it is
	// one more to scroll to, not words cut off.
	for (const region of await page.locator('[role=region]:has(table)').all()) {
		const edge = await region.evaluate((el) => ({
			scrolls: el.scrollWidth > el.clientWidth,
			border: parseFloat(getComputedStyle(el).borderRightWidth),
			name: el.getAttribute('aria-label')
		}));
		if (edge.scrolls) expect(edge.border, `${edge.name}`).toBeGreaterThan(0);
	}
	await expect(page.getByRole('region', { name: 'Change since the last snapshot' })).toBeVisible();
	await context.close();
});

test('in a contrast theme the lines, markers and names of the chart take its text colour', async ({
	browser,
	request
}) => {
	const { sil, silSchools } = await demoUsers(request);
	const school = silSchools.find((r) => r.startsWith('school:'))!.slice('school:'.length);
	const { page, context } = await newDevice(browser);
	// A dark contrast theme: the page's own near-black lines would vanish on its background.
	await page.emulateMedia({ forcedColors: 'active', colorScheme: 'dark' });
	await signIn(page, sil);
	await page.goto(`/schools/${school}/attainment`);
	const figure = page.locator('figure:has(svg[role=img])').first();
	await expect(figure.locator('text[data-series]').first()).toBeVisible();
	const seen = await figure.evaluate((fig) => {
		const probe = document.createElement('span');
		probe.style.color = 'CanvasText';
		probe.style.backgroundColor = 'Canvas';
		fig.append(probe);
		const { color: text, backgroundColor: canvas } = getComputedStyle(probe);
		probe.remove();
		const colours = (selector: string, property: 'stroke' | 'fill') =>
			[...fig.querySelectorAll(selector)].map((el) => getComputedStyle(el)[property]);
		return {
			text,
			canvas,
			lines: colours('svg[role=img] polyline', 'stroke'),
			markers: colours('svg[role=img] [data-marker]', 'fill'),
			names: colours('svg[role=img] text[data-series]', 'fill'),
			legend: colours('.legend path', 'fill')
		};
	});
	expect(seen.text).not.toBe(seen.canvas);
	for (const kind of ['lines', 'markers', 'names', 'legend'] as const) {
		expect(seen[kind].length, kind).toBeGreaterThan(0);
		expect(new Set(seen[kind]), kind).toEqual(new Set([seen.text]));
	}
	await context.close();
});
