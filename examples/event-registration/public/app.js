// The registration page: shows the places left, POSTs the form as JSON to the function (HubSpot
// asks for application/json) and shows its answer.
const endpoint = '/_hcms/api/event/participants';
const remaining = document.getElementById('remaining');
const answer = document.getElementById('answer');
const form = document.getElementById('register');

async function showRemaining() {
  const response = await fetch(endpoint);
  remaining.textContent = String((await response.json()).remaining);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  answer.textContent = 'Registering…';
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
    });
    const body = await response.json();
    answer.textContent = response.ok ? body.message : body.error ?? `Error ${response.status}`;
    answer.className = response.ok ? 'ok' : 'error';
    if (typeof body.remaining === 'number') remaining.textContent = String(body.remaining);
    if (response.ok) form.reset();
  } catch (error) {
    answer.textContent = `Could not register: ${error.message}`;
    answer.className = 'error';
  }
});

showRemaining().catch(() => {
  remaining.textContent = '?';
});
