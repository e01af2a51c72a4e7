// Open, check and end a Sessionlimits session for a user your app signed in (Node 18+, no packages).
const BASE = process.env.SESSIONLIMITS_URL ?? 'http://127.0.0.1:8080';
const KEY = process.env.SESSIONLIMITS_API_KEY; // slk_..., with sessions:open, :read and :end
const USER = process.env.DEMO_USER ?? 'alice';

async function call(method, path, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text(); // 4xx and 5xx carry JSON that says why
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

// 1. Your app checked the password itself; now the limits decide.
const opened = await call('POST', '/api/v1/service/sessions',
  { user: USER, client_ip: '203.0.113.7', user_agent: 'Mozilla/5.0' });
if (opened.status !== 201) {
  console.error(`refused: ${opened.status} ${opened.body.error}: ${opened.body.message}`);
  process.exit(1);
}
const { token, session, ended_sessions: ended } = opened.body; // keep the token in your cookie
console.log('opened', session.id, 'ended', ended.length);
// 2. On each request: is the session still live?  3. Sign-out ends it.
console.log('check', (await call('GET', `/api/v1/service/sessions/${token}`)).status);
console.log('end', (await call('DELETE', `/api/v1/service/sessions/${token}`)).status);
const after = await call('GET', `/api/v1/service/sessions/${token}`);
console.log('check', after.status, after.body.reason); // 401 logged_out (or session_limit_reached, ...)
