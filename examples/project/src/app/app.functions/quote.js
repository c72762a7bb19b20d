// A project endpoint function: GET /hs/serverless/fetch-quote (async style).
const quotes = [
  { q: 'Simplicity is prerequisite for reliability.', a: 'Edsger W. Dijkstra' },
  { q: 'Make it work, make it right, make it fast.', a: 'Kent Beck' },
];
exports.main = async (context) => {
  const i = context.params.i ? Number(context.params.i[0]) % quotes.length : 0;
  console.log(`"${quotes[i].q}" — ${quotes[i].a}`);
  return { statusCode: 200, body: quotes[i], headers: { 'Content-Type': 'application/json' } };
};
