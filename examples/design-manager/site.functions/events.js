// Reads its configuration from the environment at module load, as on HubSpot.
const events = (process.env.EVENTS || '').split(',').filter(Boolean);
exports.main = async () => ({ body: { events } });
