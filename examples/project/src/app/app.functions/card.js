// A private app function: not on HTTP; run it with host.invoke('crm-card', { parameters }).
exports.main = async (context = {}) => {
  const { parameters = {} } = context;
  return { title: `Card for ${parameters.name || 'nobody'}` };
};
