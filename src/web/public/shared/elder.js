// 长辈模式 for the resident pages: bigger text (≥ 20px), bigger tap targets (60 × 60px) and, in the
// booking flow, one question per screen. The choice is remembered in this browser (localStorage).
// Wires every [data-elder-toggle] button; pages react to the 'elderchange' event on document.
const KEY = 'police-room-elder';

export function elderMode() {
  return document.documentElement.classList.contains('elder');
}

function apply(on) {
  document.documentElement.classList.toggle('elder', on);
  for (const b of document.querySelectorAll('[data-elder-toggle]')) {
    b.setAttribute('aria-pressed', String(on));
    b.textContent = on ? '长辈模式：开' : '长辈模式';
  }
  document.dispatchEvent(new window.CustomEvent('elderchange', { detail: { on } }));
}

function remembered() {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

apply(remembered());
for (const b of document.querySelectorAll('[data-elder-toggle]')) {
  b.addEventListener('click', () => {
    const on = !elderMode();
    try {
      localStorage.setItem(KEY, on ? '1' : '0');
    } catch {
      /* private mode: the switch still works for this page */
    }
    apply(on);
  });
}
