/**
 * The A&A measures the CEO and the board look at first, where the trust's framework has them.
 * Persistent absence and suspensions join them (issue 15) when the booklet records attendance: the
 * seeds' boards track absence and exclusions beside attainment.
 */
export const KEY_MEASURES = [
	'eyfs-gld',
	'phonics-y1',
	'ks2-rwm-exs',
	'attendance',
	'persistent-absence',
	'suspensions'
] as const;
