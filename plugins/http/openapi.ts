// The JSON API's OpenAPI 3.1 document, served at /api/v1/openapi.json. The same schemas validate requests
// (fastify) and are checked in the tests against what the server answers, so the document cannot drift.
export const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: { code: { type: 'string', pattern: '^NOWSMS_ERR_' }, message: { type: 'string' } },
    },
  },
} as const;

const statusEnum = ['received', 'queued', 'no-route', 'retrying', 'sent', 'delivered', 'undeliverable', 'failed', 'in-mailbox', 'retrieved', 'deleted'];

export const partSchema = {
  type: 'object',
  required: ['contentType', 'data'],
  additionalProperties: false,
  properties: {
    contentType: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    data: { type: 'string', description: 'the bytes in base64' },
  },
} as const;

export const submitSchema = {
  type: 'object',
  required: ['to'],
  additionalProperties: false,
  properties: {
    to: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      ],
      description: 'one phone number or a list',
    },
    kind: { type: 'string', enum: ['sms', 'mms'], default: 'sms' },
    text: { type: 'string' },
    from: { type: 'string', description: "the sender; a user's forced sender wins" },
    subject: { type: 'string', description: 'MMS only' },
    parts: { type: 'array', items: partSchema, description: 'MMS parts besides the text' },
    connection: { type: 'string', description: 'send through this connection (NowSMS SMSCRoute)' },
    receipt: { type: 'boolean', description: 'ask the network for a delivery report' },
    delayUntil: { type: 'string', format: 'date-time', description: 'send no earlier than this (NowSMS DelayUntil)' },
    callbackUrl: { type: 'string', pattern: '^https?://', description: 'each status change of each message is POSTed here as JSON' },
  },
} as const;

export const submittedSchema = {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'to', 'status', 'duplicate'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          to: { type: 'string' },
          status: { type: 'string', enum: statusEnum },
          duplicate: { type: 'boolean', description: 'stored before under the same Idempotency-Key' },
        },
      },
    },
  },
} as const;

export const messageSchema = {
  type: 'object',
  required: ['id', 'direction', 'kind', 'from', 'to', 'status', 'receivedAt', 'history'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    direction: { type: 'string', enum: ['MO', 'MT'] },
    kind: { type: 'string', enum: ['sms', 'mms'] },
    from: { type: 'string' },
    to: { type: 'string' },
    subject: { type: 'string' },
    status: { type: 'string', enum: statusEnum },
    receivedAt: { type: 'string', format: 'date-time' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'status'],
        additionalProperties: false,
        properties: { at: { type: 'string', format: 'date-time' }, status: { type: 'string', enum: statusEnum }, detail: { type: 'string' } },
      },
    },
  },
} as const;

export const pageSchema = {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages: { type: 'array', items: messageSchema },
    nextCursor: { type: 'string', description: 'give it as ?cursor= for the next page; absent on the last page' },
  },
} as const;

export const callbackSchema = {
  type: 'object',
  required: ['id', 'to', 'status', 'at'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    to: { type: 'string' },
    status: { type: 'string', enum: statusEnum },
    detail: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const err = (description: string) => ({ description, ...json({ $ref: '#/components/schemas/Error' }) });

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'nowsms HTTP API', version: '1' },
    components: {
      securitySchemes: { basic: { type: 'http', scheme: 'basic', description: 'a user with the HTTP login right (nowsms users set NAME --http-login)' } },
      schemas: { Error: errorSchema, Submit: submitSchema, Submitted: submittedSchema, Message: messageSchema, Page: pageSchema, Callback: callbackSchema },
    },
    security: [{ basic: [] }],
    paths: {
      '/api/v1/messages': {
        post: {
          summary: 'send SMS or MMS to one or many recipients; answered once committed',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 200 },
              description: 'the same key again stores nothing new and answers the same ids',
            },
          ],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/Submit' }) },
          responses: {
            '201': { description: 'committed', ...json({ $ref: '#/components/schemas/Submitted' }) },
            '200': { description: 'already committed under this Idempotency-Key', ...json({ $ref: '#/components/schemas/Submitted' }) },
            '400': err('bad request: a recipient that is not a phone number, no text, ...'),
            '401': err('no or wrong credentials'),
            '402': err("the user's credits are used up"),
            '429': err('a daily or monthly limit reached, or the address locked out after failed logins'),
            '403': err('the user has no HTTP login'),
            '413': err('too big'),
            '503': err('try again later'),
          },
          callbacks: {
            status: {
              '{$request.body#/callbackUrl}': {
                post: {
                  summary: 'a status change of one message (at least once: the Idempotency-Key header names it)',
                  requestBody: json({ $ref: '#/components/schemas/Callback' }),
                  responses: { '200': { description: 'taken; any 2xx will do' } },
                },
              },
            },
          },
        },
        get: {
          summary: "the user's messages, newest first, a page at a time",
          parameters: [
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          ],
          responses: {
            '200': { description: 'a page', ...json({ $ref: '#/components/schemas/Page' }) },
            '400': err('bad cursor or limit'),
            '401': err('no or wrong credentials'),
          },
        },
      },
      '/api/v1/messages/{id}': {
        get: {
          summary: 'one message with its history',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'the message', ...json({ $ref: '#/components/schemas/Message' }) },
            '404': err('no such message of this user'),
            '401': err('no or wrong credentials'),
          },
        },
      },
    },
  };
}
