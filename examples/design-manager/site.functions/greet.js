// A design-manager function in the callback style: GET /_hcms/api/greet?name=Ada
exports.main = (context, sendResponse) => {
  const name = context.params.name ? context.params.name[0] : 'world';
  console.log(`greeting ${name}`);
  sendResponse({ statusCode: 200, body: { message: `Hello, ${name}! Welcome to ${process.env.SITE_NAME}.` } });
};
