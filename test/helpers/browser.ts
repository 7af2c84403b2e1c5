/**
 * Launch options for the real headless Chromium that browser tests drive (Debian's package,
 * never a downloaded browser). The flags keep it off the network, which this machine closes.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumOptions(viewport: { width: number; height: number } = { width: 1280, height: 800 }) {
  return { executablePath: CHROMIUM_PATH, headless: true, viewport, args: CHROMIUM_ARGS };
}
