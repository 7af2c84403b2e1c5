// Residents' status look-up: a booking number (Y…), an item code (S…) or a tip code (J…) with its
// secret → where it stands and the next step, in plain Chinese. Server text goes in with textContent.
import { $, clearError, createApi, el, showError } from '/shared/toolkit.js';

const api = createApi();
const isTip = (code) => code.trim().toUpperCase().startsWith('J');

function syncSecret() {
  $('secret-box').hidden = !isTip($('code').value);
}
$('code').addEventListener('input', syncSecret);

$('lookup').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError('lookup-error');
  const code = $('code').value.trim().toUpperCase();
  if (!code) return showError('lookup-error', '请输入编号。');
  $('go').disabled = true;
  try {
    const { status } = await api('POST', '/api/status', { code, secret: isTip(code) ? $('secret').value.trim() : undefined });
    $('a-title').textContent = status.title;
    $('a-state').textContent = status.state;
    $('a-facts').replaceChildren(...status.facts.flatMap((f) => [el('dt', { text: f.label }), el('dd', { text: f.value })]));
    $('a-next').textContent = status.nextStep;
    $('a-link-box').hidden = !status.link;
    if (status.link) {
      $('a-link').href = status.link.href;
      $('a-link').textContent = status.link.text;
    }
    $('answer').classList.remove('hidden');
    $('a-title').setAttribute('tabindex', '-1');
    $('a-title').focus();
  } catch (err) {
    $('answer').classList.add('hidden');
    showError('lookup-error', err);
  } finally {
    $('go').disabled = false;
  }
});

const wanted = new URLSearchParams(location.search).get('code');
if (wanted) {
  $('code').value = wanted;
  syncSecret();
}
