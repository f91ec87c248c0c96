/**
 * A region that may scroll (a wide table, sideways): a keyboard reaches it only while it does
 * scroll (WCAG 2.1.1, axe's `scrollable-region-focusable`), so that where it fits (a phone's tables
 * drawn as blocks, a wide screen) it is not one more stop with nothing to do. Watches its size and
 * its content's; put it on the element that scrolls.
 */
export function scrollRegion(node: HTMLElement) {
	const check = () => {
		const scrolls =
			node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1;
		if (scrolls) node.tabIndex = 0;
		else node.removeAttribute('tabindex');
	};
	check();
	const observer = new ResizeObserver(check);
	observer.observe(node);
	for (const child of node.children) observer.observe(child);
	return { destroy: () => observer.disconnect() };
}
