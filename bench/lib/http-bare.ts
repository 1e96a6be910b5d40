// The bare route for bench/http.ts: fastify answering the NowSMS send URL without storing anything (what
// the HTTP layer alone costs). Run as its own process: `node --import tsx bench/lib/http-bare.ts PORT`.
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false });
let n = 0;
app.get('/', async (request, reply) => {
  const q = request.query as Record<string, string | undefined>;
  if (!q.PhoneNumber || !q.Text) return reply.code(400).send('ERROR: PhoneNumber and Text');
  n++;
  return reply.type('text/html').send(`<html><body>\nMessage Submitted\n<br>MessageID=bare${n}, Recipient=${q.PhoneNumber}\n</body></html>\n`);
});
await app.listen({ port, host: '127.0.0.1' });
