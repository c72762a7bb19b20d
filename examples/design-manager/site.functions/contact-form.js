// POST /_hcms/api/contact-form with a JSON body { email, message }.
exports.main = async (context) => {
  const { email, message } = context.body;
  if (typeof email !== 'string' || !email.includes('@')) {
    return { statusCode: 400, body: { error: 'email is required' } };
  }
  console.log(`message from ${email}: ${String(message ?? '').slice(0, 80)}`);
  return { statusCode: 201, body: { received: true, email } };
};
