// GET: the places left. POST { name, email }: registers a participant and answers the places
// left, as in HubSpot's event-registration example (the page calls this with JSON).
const path = require('node:path');
const { countParticipants, registerParticipant } = require('./lib/participants-store');

// PARTICIPANTS_FILE comes from serverless.json's environment; a relative path is taken relative
// to this functions folder, so the data lives beside the code whatever the server's cwd is.
const file = path.resolve(__dirname, process.env.PARTICIPANTS_FILE);
const capacity = Number(process.env.EVENT_CAPACITY);

exports.main = async (context) => {
  if (context.method === 'GET') {
    const registered = await countParticipants(file);
    return { statusCode: 200, body: { capacity, remaining: Math.max(0, capacity - registered) } };
  }
  const { name, email } = context.body;
  if (typeof name !== 'string' || name.trim() === '' || typeof email !== 'string' || !email.includes('@')) {
    return { statusCode: 400, body: { error: 'Send { "name": "…", "email": "…@…" } as JSON.' } };
  }
  const result = await registerParticipant(file, capacity, { name: name.trim(), email: email.trim().toLowerCase(), registeredAt: new Date().toISOString() });
  console.log(`registration of ${name.trim()}: ${result.status}, ${result.remaining} place(s) left`);
  if (result.status === 'full') return { statusCode: 409, body: { error: 'Sorry, the event is full.', remaining: 0 } };
  if (result.status === 'duplicate') return { statusCode: 409, body: { error: 'This email is already registered.', remaining: result.remaining } };
  return { statusCode: 201, body: { message: `See you there, ${name.trim()}!`, remaining: result.remaining } };
};
