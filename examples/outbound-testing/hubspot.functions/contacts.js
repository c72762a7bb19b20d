// Lists the first contacts' emails from HubSpot's CRM API, as a function would on HubSpot.
exports.main = async (context) => {
  const limit = Number(context.params.limit?.[0] ?? 10);
  const response = await fetch(`https://api.hubapi.com/crm/v3/objects/contacts?limit=${limit}&properties=email`, {
    headers: { authorization: `Bearer ${process.env.PRIVATE_APP_ACCESS_TOKEN}` },
  });
  if (!response.ok) return { statusCode: 502, body: { error: `HubSpot answered ${response.status}` } };
  const { results } = await response.json();
  return { statusCode: 200, body: { emails: results.map((c) => c.properties.email) } };
};
