// The inbox's live stream (server-sent events): the 实时 / 重连中 badge, a call per changed item,
// and the server's word that this session has ended (signed out elsewhere, deactivated, password changed).
export function openInboxEvents({ badge, onItem, onSignedOut }) {
  const setLive = (ok) => {
    badge.classList.remove('hidden');
    badge.classList.toggle('ok', ok);
    badge.classList.toggle('bad', !ok);
    badge.textContent = ok ? '实时' : '重连中…';
  };
  const source = new EventSource('/api/inbox/events');
  source.addEventListener('ready', () => setLive(true));
  source.addEventListener('item', (e) => onItem(JSON.parse(e.data)));
  source.addEventListener('signed-out', onSignedOut);
  source.onerror = () => setLive(false);
  return source;
}
