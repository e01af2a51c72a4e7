// The footer of every page names the release the server runs, as its health check tells
// (/healthz answers it whether the store is up or not). Without an answer the footer keeps
// the product's name alone.
import { uiUrl } from './api.js';
import { messages } from './i18n.js';

const t = await messages('common');

async function showVersion() {
  const target = document.getElementById('app-version');
  if (!target) {
    return;
  }
  try {
    const answer = await fetch(uiUrl('healthz'), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    const body = await answer.json();
    if (typeof body.version === 'string' && body.version) {
      target.textContent = t('version', { version: body.version });
    }
  } catch {
    // No answer: the footer names the product without its version.
  }
}

showVersion();
