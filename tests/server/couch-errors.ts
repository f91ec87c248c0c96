import type { Json } from './helpers.ts';

/**
 * The same requests, answered with Apache CouchDB 3.5.0's status and words (recorded from it; the
 * `test:couchdb` run asks the real one the same).
 */
export const COUCH_ERRORS: [
	method: string,
	path: string,
	query: string,
	body: unknown,
	status: number,
	answer: Json
][] = [
	['GET', '/nodb', '', undefined, 404, { error: 'not_found', reason: 'Database does not exist.' }],
	['GET', '/{db}/missing', '', undefined, 404, { error: 'not_found', reason: 'missing' }],
	['GET', '/{db}/_zing', '', undefined, 404, { error: 'not_found', reason: 'missing' }],
	[
		'PUT',
		'/{db}/_zing',
		'',
		{},
		400,
		{ error: 'illegal_docid', reason: 'Only reserved document ids may start with underscore.' }
	],
	[
		'PUT',
		'/{db}/_local/',
		'',
		{},
		400,
		{ error: 'bad_request', reason: 'Invalid _local document id.' }
	],
	[
		'PUT',
		'/{db}/_design/',
		'',
		{},
		400,
		{ error: 'illegal_docid', reason: 'Only reserved document ids may start with underscore.' }
	],
	[
		'PUT',
		'/{db}/d',
		'',
		[],
		400,
		{ error: 'bad_request', reason: 'Document must be a JSON object' }
	],
	[
		'GET',
		'/{db}/d',
		'rev=abc',
		undefined,
		400,
		{ error: 'bad_request', reason: 'Invalid rev format' }
	],
	[
		'POST',
		'/{db}/_bulk_get',
		'',
		{},
		400,
		{ error: 'bad_request', reason: "Missing JSON list of 'docs'." }
	],
	[
		'POST',
		'/{db}/_bulk_docs',
		'',
		{ doc: [] },
		400,
		{ error: 'bad_request', reason: 'POST body must include `docs` parameter.' }
	],
	[
		'POST',
		'/{db}/_all_docs',
		'',
		{ keys: 'x' },
		400,
		{ error: 'bad_request', reason: '`keys` body member must be an array.' }
	],
	[
		'GET',
		'/{db}/_all_docs',
		'limit=x',
		undefined,
		400,
		{ error: 'query_parse_error', reason: 'Invalid value for integer: "x"' }
	],
	[
		'GET',
		'/{db}/_all_docs',
		'skip=-3',
		undefined,
		400,
		{ error: 'query_parse_error', reason: 'Invalid value for positive integer: "-3"' }
	],
	[
		'GET',
		'/{db}/_all_docs',
		'include_docs=maybe',
		undefined,
		400,
		{ error: 'query_parse_error', reason: 'Invalid boolean parameter: "maybe"' }
	],
	[
		'GET',
		'/{db}/_changes',
		'since=abc',
		undefined,
		400,
		{ error: 'bad_request', reason: "Malformed sequence supplied in 'since' parameter." }
	]
];
